# All dependencies are Debian packages (scripts/install-deps.sh installs them). No FetchContent.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# cpp-httplib ships only a .pc file; its Cflags carry -DCPPHTTPLIB_OPENSSL_SUPPORT and friends.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# RapidCheck is a library dependency (generators/ and harness/ use its Gen), not only a test one.
find_package(rapidcheck REQUIRED)
# `lpe conform --config FILE` reads TOML with toml++ (Debian: libtomlplusplus-dev).
find_package(tomlplusplus 3 REQUIRED)
if(LPE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
