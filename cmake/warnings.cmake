# One interface target carries the warning set for our own code. Third-party headers are included as
# SYSTEM (imported targets), so their warnings do not fail our build.
add_library(bodycam_warnings INTERFACE)
target_compile_options(bodycam_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wdouble-promotion -Wformat=2 -Werror
  # Not enabled: -Wnull-dereference (GCC 12 at -O2 reports false positives inside libstdc++'s std::string
  # when inlined through CLI11).
  # libav* headers use old-style casts and designated zero-initialisers in macros we call
  # (AVERROR, av_err2str); those are silenced where used, not here.
)

# In a unity build a source is not the compiler's main file, so GCC's -Wsubobject-linkage (meant for headers)
# fires on every class or coroutine frame of a .cpp that holds a type from its own anonymous namespace.
if(BODYCAM_UNITY)
  target_compile_options(bodycam_warnings INTERFACE -Wno-subobject-linkage)
endif()
