# BODYCAM_SANITIZE=address,undefined (or thread) builds everything with those sanitizers; scripts/test's asan
# and tsan stages build so.
if(BODYCAM_SANITIZE)
  add_compile_options(-fsanitize=${BODYCAM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${BODYCAM_SANITIZE})
  # GCC 12's -Wmaybe-uninitialized reports false positives in code instrumented by ASan:
  # firmware/control/command_parser.cpp builds clean without -fsanitize=address and fails with it, at -O1
  # and -O2 alike, inside libstdc++'s std::variant move constructor. The uninstrumented host build keeps the
  # warning, as an error; only the sanitizer build goes without it.
  if(BODYCAM_SANITIZE MATCHES "address")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  # GCC 12 warns (-Wtsan) that ThreadSanitizer does not model std::atomic_thread_fence, which Boost.Asio's
  # reactor uses; the warning cannot be fixed in our code. A race report it causes inside Asio would show as
  # such and be named in tests/tsan.supp with its reason.
  if(BODYCAM_SANITIZE MATCHES "thread")
    add_compile_options(-Wno-tsan)
  endif()
endif()
