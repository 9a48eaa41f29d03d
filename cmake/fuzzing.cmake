# BODYCAM_FUZZ=ON: every library is compiled with coverage instrumentation for libFuzzer (fuzz/README.md).
# With Clang: -fsanitize=fuzzer-no-link. With GCC (the default, because Debian 12's clang 14 cannot compile
# libstdc++ 12's std::expected): -fsanitize-coverage=trace-pc,trace-cmp, and the harnesses link the libFuzzer
# engine from libclang-rt-14-dev (BODYCAM_LIBFUZZER) with fuzz/engine/coverage_counters.cpp.
# Only the fuzz_<name> targets link in such a build (the tests and programs lack the coverage callbacks):
# build them with `cmake --build <dir> --target bodycam_fuzz_all`, as scripts/fuzz does.
if(BODYCAM_FUZZ)
  if(BODYCAM_TESTS OR BODYCAM_BENCH)
    message(FATAL_ERROR "BODYCAM_FUZZ needs its own build directory with -DBODYCAM_TESTS=OFF -DBODYCAM_BENCH=OFF")
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-fsanitize=fuzzer-no-link)
  else()
    file(GLOB bodycam_libfuzzer_candidates
         /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-${CMAKE_SYSTEM_PROCESSOR}.a)
    set(bodycam_libfuzzer_default "")
    if(bodycam_libfuzzer_candidates)
      list(SORT bodycam_libfuzzer_candidates)
      list(GET bodycam_libfuzzer_candidates -1 bodycam_libfuzzer_default)
    endif()
    set(BODYCAM_LIBFUZZER "${bodycam_libfuzzer_default}" CACHE FILEPATH "libFuzzer engine (libclang_rt.fuzzer) for GCC builds")
    if(NOT EXISTS "${BODYCAM_LIBFUZZER}")
      message(FATAL_ERROR "BODYCAM_FUZZ: no libclang_rt.fuzzer archive found; apt-get install libclang-rt-14-dev")
    endif()
    add_compile_options(-fsanitize-coverage=trace-pc,trace-cmp)
  endif()
endif()
