# Warning and sanitizer flags shared by every txform target, through one INTERFACE target.
add_library(txform_compile_options INTERFACE)
add_library(txform::compile_options ALIAS txform_compile_options)

target_compile_options(txform_compile_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${TXFORM_WARNINGS_AS_ERRORS}>:-Werror>)

if(TXFORM_SANITIZE)
  target_compile_options(txform_compile_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(txform_compile_options INTERFACE -fsanitize=address,undefined)
endif()
