# `cpack -G DEB` (from the build tree): two Debian archives from the install components,
#   lpe      the tool (/usr/bin/lpe), its runtime libraries declared by dpkg-shlibdeps;
#   lpe-dev  the static libraries, headers and CMake package, with the -dev packages they need.
set(CPACK_PACKAGE_NAME lpe)
set(CPACK_PACKAGE_VENDOR "lpe")
set(CPACK_PACKAGE_CONTACT "lpe maintainers <lpe@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Conformance testing, fuzzing and a reference mock for IVS real-time ListParticipantEvents")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL tool dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_TOOL_PACKAGE_NAME lpe)
set(CPACK_DEBIAN_TOOL_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps (dpkg-dev) and `file`
set(CPACK_DEBIAN_DEV_PACKAGE_NAME lpe-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libre2-dev, libssl-dev (>= 3), nlohmann-json3-dev (>= 3.10), librapidcheck-dev, pkg-config")
set(CPACK_COMPONENT_TOOL_DESCRIPTION "the lpe command: lpe conform, lpe mock, lpe validate")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "lpe libraries for C++ tests: the in-process mock, validators, wire, harness (CMake package)")
include(CPack)
