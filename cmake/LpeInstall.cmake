# `cmake --install`: the `lpe` tool (component `tool`) and the public libraries with their headers
# and an exported CMake package (component `dev`), so that `find_package(lpe CONFIG)` gives
# lpe::base, lpe::spec, lpe::wire, lpe::validators, lpe::generators, lpe::mock and lpe::harness.
# The package's Debian archives come from cmake/LpePackage.cmake (`cpack -G DEB`).
include(CMakePackageConfigHelpers)

set(LPE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/lpe)
# Libraries in dependency order; lpe::generators comes with lpe::harness, which links it publicly.
set(lpe_exported_libraries lpe_base lpe_spec lpe_wire lpe_validators lpe_generators lpe_mock
                           lpe_harness)

install(TARGETS lpe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tool)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT tool)

install(TARGETS ${lpe_exported_libraries} EXPORT lpeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Each library's public headers under its folder name ("spec/spec.h"); internal/, test-only and
# tool sources stay out. The public headers include none of them.
foreach(folder base spec wire validators generators mock harness)
  install(DIRECTORY ${folder}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${folder} COMPONENT dev
    FILES_MATCHING PATTERN "*.h"
    PATTERN "internal" EXCLUDE
    PATTERN "testing" EXCLUDE
    PATTERN "testdata" EXCLUDE
    PATTERN "tools" EXCLUDE
    PATTERN "*_test.h" EXCLUDE
    PATTERN "*test_support.h" EXCLUDE)
endforeach()

install(EXPORT lpeTargets NAMESPACE lpe:: FILE lpeTargets.cmake
  DESTINATION ${LPE_INSTALL_CMAKEDIR} COMPONENT dev)
configure_package_config_file(cmake/lpeConfig.cmake.in ${PROJECT_BINARY_DIR}/lpeConfig.cmake
  INSTALL_DESTINATION ${LPE_INSTALL_CMAKEDIR})
# 0.x releases promise nothing across minor versions.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lpeConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lpeConfig.cmake ${PROJECT_BINARY_DIR}/lpeConfigVersion.cmake
  DESTINATION ${LPE_INSTALL_CMAKEDIR} COMPONENT dev)
