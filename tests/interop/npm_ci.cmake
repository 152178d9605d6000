# cmake -DNPM=npm -DDIR=<build-tree copy of tests/interop> [-DWHAT=interop] -P npm_ci.cmake
# Installs the locked packages with `npm ci`, skipped when node_modules already matches the lock.
# WHAT names the packages' user in messages (the SDK interop test, the workflow validator).
if(NOT WHAT)
  set(WHAT interop)
endif()
file(SHA256 "${DIR}/package-lock.json" lock_hash)
set(stamp "${DIR}/node_modules/.lpe-lock-sha256")
if(EXISTS "${stamp}")
  file(READ "${stamp}" installed_hash)
  if(installed_hash STREQUAL lock_hash)
    message(STATUS "${WHAT}: node_modules matches package-lock.json")
    return()
  endif()
endif()
execute_process(
  COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY "${DIR}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${WHAT}: npm ci failed (${result}); the npm registry must be reachable")
endif()
file(WRITE "${stamp}" "${lock_hash}")
message(STATUS "${WHAT}: installed the locked packages")
