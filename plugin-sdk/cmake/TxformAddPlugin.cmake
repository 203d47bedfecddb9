# txform_add_plugin(NAME SOURCES src... [LINK_LIBRARIES lib...] [OUTPUT_DIRECTORY dir])
#
# Builds NAME.so, a txform plugin: hidden visibility, and a version script that exports only the
# entry symbol (txform_plugin_entry_v1), so statically linked dependencies (protobuf, say) stay
# private to the plugin. Shipped with the plugin SDK; used in-tree and by find_package users.
set(_TXFORM_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/txform-plugin.map"
    CACHE INTERNAL "Version script exporting only the txform plugin entry symbol")

function(txform_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "txform_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE txform::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_TXFORM_PLUGIN_VERSION_SCRIPT}")
  target_link_options(${name} PRIVATE
    "LINKER:--version-script=${_TXFORM_PLUGIN_VERSION_SCRIPT}"
    "LINKER:--exclude-libs,ALL")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
endfunction()
