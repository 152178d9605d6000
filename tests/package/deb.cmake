# cmake -DBUILD_DIR=<lpe build tree> -DSOURCE_DIR=<lpe source tree> -DVERSION=x.y.z -P deb.cmake
# Builds the Debian packages with cpack, checks their control fields, unpacks the tool's package
# into a temporary folder and runs `lpe --version` from there.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

find_program(DPKG_DEB dpkg-deb REQUIRED)
lpe_temporary_directory(work lpe-deb)
lpe_run(cpack cpack -G DEB --config ${BUILD_DIR}/CPackConfig.cmake -B ${work})
file(GLOB tool_deb ${work}/lpe_${VERSION}_*.deb)
file(GLOB dev_deb ${work}/lpe-dev_${VERSION}_*.deb)
if(NOT tool_deb OR NOT dev_deb)
  file(GLOB made ${work}/*.deb)
  message(FATAL_ERROR "cpack made ${made}, not lpe_${VERSION}_<arch>.deb and lpe-dev_...")
endif()

# The tool's runtime libraries are declared (dpkg-shlibdeps), the -dev package's build ones.
lpe_run(control ${DPKG_DEB} -f ${tool_deb} Package Version Depends)
set(control "${lpe_run_output}")
foreach(expected "Package: lpe" "Version: ${VERSION}" "libc6" "libre2-" "libssl3" "libstdc++6"
        "libtomlplusplus3")
  string(FIND "${control}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the lpe package's control lacks '${expected}':\n${control}")
  endif()
endforeach()
lpe_run(dev-control ${DPKG_DEB} -f ${dev_deb} Depends)
string(FIND "${lpe_run_output}" "libre2-dev" at)
if(at EQUAL -1)
  message(FATAL_ERROR "lpe-dev does not depend on libre2-dev: ${lpe_run_output}")
endif()
lpe_run(dev-contents ${DPKG_DEB} -c ${dev_deb})
string(FIND "${lpe_run_output}" "./usr/lib/cmake/lpe/lpeConfig.cmake" at)
if(at EQUAL -1)
  message(FATAL_ERROR "lpe-dev holds no CMake package:\n${lpe_run_output}")
endif()

# Unpacked anywhere, the tool runs and names its version and the bundled model.
lpe_run(unpack ${DPKG_DEB} -x ${tool_deb} ${work}/root)
lpe_run(version ${work}/root/usr/bin/lpe --version)
set(version_text "${lpe_run_output}")
file(SHA256 ${SOURCE_DIR}/spec/ivs-realtime-list-participant-events.json model_sha256)
file(READ ${SOURCE_DIR}/spec/ivs-realtime-list-participant-events.json model_text)
string(JSON aws_commit GET "${model_text}" metadata lpe.derivedFrom commit)
string(JSON aws_sha256 GET "${model_text}" metadata lpe.derivedFrom sha256)
foreach(expected "lpe ${VERSION}\n" "aws/api-models-aws" "@ ${aws_commit}" "${aws_sha256}"
        "${model_sha256}")
  string(FIND "${version_text}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "`lpe --version` from the .deb lacks '${expected}':\n${version_text}")
  endif()
endforeach()

file(REMOVE_RECURSE ${work})
message(STATUS "deb: ${tool_deb}\n${control}unpacked, it ran:\n${version_text}")
