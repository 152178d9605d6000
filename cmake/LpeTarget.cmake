# Per-target defaults (never global flags): C++20, project include root, strict warnings.
function(lpe_target_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(LPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 at -O3 (Release) reports -Wrestrict inside libstdc++'s std::string operator+ where
  # there is no overlap (GCC bug 105651, fixed in 13): keep it a warning there, not an error.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-error=restrict)
  endif()
endfunction()

# lpe_library(<folder> SOURCES ... DEPS ...): library lpe_<folder> with alias lpe::<folder>.
function(lpe_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(lpe_${name} STATIC ${ARG_SOURCES})
  add_library(lpe::${name} ALIAS lpe_${name})
  # Headers keep their paths ("spec/spec.h") in the source tree and in an install prefix.
  target_include_directories(lpe_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                                                $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(lpe_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  # Exported as lpe::<folder> by the installed CMake package (cmake/LpeInstall.cmake).
  set_target_properties(lpe_${name} PROPERTIES EXPORT_NAME ${name})
  lpe_target_defaults(lpe_${name})
endfunction()

# lpe_test(<name> SOURCES ... DEPS ... [LABELS ...] [ENVIRONMENT VAR=value...]): a GoogleTest
# executable registered with ctest; ENVIRONMENT applies to every test of it (e.g. RC_PARAMS).
function(lpe_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS;ENVIRONMENT" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  lpe_target_defaults(${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(extra_properties)
  if(ARG_ENVIRONMENT)
    list(APPEND extra_properties ENVIRONMENT "${ARG_ENVIRONMENT}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}" ${extra_properties})
endfunction()

# lpe_embed_file(<out-var> INPUT <file> SYMBOL <function> NAMESPACE <ns>): a generated .cc whose
# function returns the file's bytes, rebuilt when the file changes.
function(lpe_embed_file out_var)
  cmake_parse_arguments(ARG "" "INPUT;SYMBOL;NAMESPACE" "" ${ARGN})
  get_filename_component(name "${ARG_INPUT}" NAME_WE)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded_${name}.cc")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${ARG_INPUT} -DOUTPUT=${output} -DSYMBOL=${ARG_SYMBOL}
            -DNAMESPACE=${ARG_NAMESPACE} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS "${ARG_INPUT}" ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${name}")
  set(${out_var} "${output}" PARENT_SCOPE)
endfunction()
