# Every outside library comes from Debian packages, found here and nowhere else. libav*, libsodium and SQLite
# through pkg-config imported targets (so a cross build points PKG_CONFIG_LIBDIR at the arm64 tree); the C++
# libraries through their CMake package files.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)  # SHA-256 with the CPU's SHA instructions
pkg_check_modules(LIBSSL REQUIRED IMPORTED_TARGET libssl)  # HTTPS (Boost.Asio ssl): the console, the S3 store
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBAV REQUIRED IMPORTED_TARGET
  libavcodec libavformat libavutil libavfilter libavdevice libswscale libswresample)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
find_package(Threads REQUIRED)
# gpsd's client library for the camera's place source (firmware/place). auto: required on a host build,
# left out of a cross build when the target tree has none (the aarch64 camera build then uses the null
# place source); on / off force it.
set(BODYCAM_GPSD "auto" CACHE STRING "Build the gpsd place source with libgps: auto, on or off")
set(BODYCAM_HAS_GPSD OFF)
if(BODYCAM_GPSD STREQUAL "on" OR (BODYCAM_GPSD STREQUAL "auto" AND NOT CMAKE_CROSSCOMPILING))
  pkg_check_modules(LIBGPS REQUIRED IMPORTED_TARGET libgps)
  set(BODYCAM_HAS_GPSD ON)
elseif(BODYCAM_GPSD STREQUAL "auto")
  pkg_check_modules(LIBGPS QUIET IMPORTED_TARGET libgps)
  if(LIBGPS_FOUND)
    set(BODYCAM_HAS_GPSD ON)
  endif()
endif()
# Asio and Beast are header-only; the camera needs Asio too (firmware/control's socket server).
find_package(Boost 1.74 REQUIRED)

if(NOT BODYCAM_CAMERA_ONLY)
  find_package(CLI11 REQUIRED)
endif()
if(BODYCAM_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()
