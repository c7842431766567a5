# kiln's layers (../shared/DESIGN.md) as shared libraries. Each is linked with
# --no-undefined, so every symbol it uses must come from itself or from the layers it names
# below it: a call up the stack (a kernel calling a differentiable op, nn calling into
# models) is a link error, not a review comment.
function(kiln_add_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 LAYER "" "" "SOURCES;BELOW")
  add_library(${name} SHARED ${LAYER_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${LAYER_BELOW} PRIVATE kiln_flags)
  # clang links the sanitizers' runtime into executables only, leaving a fuzz build's layers
  # with symbols that are undefined until the program loads them.
  if(NOT KILN_FUZZ)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  target_compile_features(${name} PUBLIC cxx_std_20)
endfunction()
