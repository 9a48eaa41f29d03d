# Cross-builds the camera side (common/ and firmware/) for 64-bit ARM Linux on a Debian 12 amd64 host, with
# Debian's cross compiler (g++-aarch64-linux-gnu) and Debian's arm64 multiarch packages (libsodium-dev:arm64,
# libavcodec-dev:arm64, ...; scripts/install-deps installs both). Tests run under qemu-user through
# CMAKE_CROSSCOMPILING_EMULATOR, so `ctest` works in the cross build as it does in the host build.
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
#         -DBODYCAM_CAMERA_ONLY=ON
# Guarantees:
#   1. Every library we link comes from the arm64 tree (/usr/lib/aarch64-linux-gnu or the cross sysroot
#      /usr/aarch64-linux-gnu): pkg-config reads only arm64 .pc files, find_library looks only in the
#      aarch64 multiarch directory, and an amd64 file that slipped through fails at link time, never at run
#      time.
#   2. Header-only packages whose CMake files Debian installs architecture-independently (Catch2 v2 in
#      /usr/lib/cmake, nlohmann_json in /usr/share/cmake) are found as in a native build.
#   3. Test binaries run under qemu-aarch64 with the arm64 dynamic loader and libraries of the multiarch
#      tree, so libsodium, libav*, SQLite, fmt and toml++ resolve to their arm64 .so files.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(BODYCAM_CROSS_TRIPLET aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${BODYCAM_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${BODYCAM_CROSS_TRIPLET}-g++)
# Debian multiarch: arch-specific files live in <prefix>/lib/aarch64-linux-gnu and
# /usr/include/aarch64-linux-gnu; CMake searches <prefix>/lib/<arch> before <prefix>/lib (invariant 1).
set(CMAKE_LIBRARY_ARCHITECTURE ${BODYCAM_CROSS_TRIPLET})

# Roots for find_*: the cross sysroot (cross libc and libstdc++) and "/" for the Debian multiarch tree, where
# the arm64 -dev packages install. Programs (pkg-config, qemu) are host tools; libraries, headers and
# packages only come from these roots. Invariants 1 and 2: with "/" as a root, CMake still only looks in
# lib/aarch64-linux-gnu for libraries (never lib/x86_64-linux-gnu), and finds architecture-independent
# package files in /usr/lib/cmake and /usr/share/cmake.
set(CMAKE_FIND_ROOT_PATH /usr/${BODYCAM_CROSS_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (invariant 1): only the arm64 .pc files and the arch-independent ones. The toolchain file is
# read at every configure run, so this holds for re-configures too; PKG_CONFIG_PATH is cleared so that a
# caller's amd64 path cannot leak in, and CMake's own prefix-path additions stay off.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${BODYCAM_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
unset(ENV{PKG_CONFIG_SYSROOT_DIR})
set(PKG_CONFIG_USE_CMAKE_PREFIX_PATH OFF CACHE BOOL "Do not add CMake prefixes to PKG_CONFIG_PATH" FORCE)

# Invariant 3: run arm64 test binaries under qemu-user. The binaries ask for /lib/ld-linux-aarch64.so.1, which
# libc6:arm64 installs (every -dev:arm64 package pulls it in); that loader finds the arm64 runtime packages of
# libsodium, libav*, SQLite, fmt and toml++ in /lib/aarch64-linux-gnu and /usr/lib/aarch64-linux-gnu. `-L /`
# pins qemu's guest prefix to the real root, so the result does not depend on an /etc/qemu-binfmt prefix
# someone may have set up. Not `-L /usr/aarch64-linux-gnu`: qemu would then take the loader from the cross
# sysroot (libc6-arm64-cross) but fall back to libc.so.6 from libc6:arm64 (the sysroot has no
# lib/aarch64-linux-gnu/), pairing two different glibc builds; it happens to work today, not by design.
find_program(BODYCAM_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(BODYCAM_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${BODYCAM_QEMU_AARCH64} -L /)
else()
  message(WARNING "qemu-aarch64 not found (Debian package qemu-user): aarch64 tests cannot run on this host")
endif()
