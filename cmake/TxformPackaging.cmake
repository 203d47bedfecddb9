# Debian packages with CPack, one per install component:
#   txform                 the server, its systemd unit, a default configuration, example plugins
#   txform-plugin-sdk-dev  the plugin SDK: headers, CMake package, pkg-config file
# Build them from any configured tree: `cpack --config <build>/CPackConfig.cmake`.
# The chaos tools and test plugins install without a component and stay out of both packages.

# Paths an operator looks for. The plugin directory is the `plugin_dir` default in
# proto/txform/config.proto; it is not under the multiarch libdir because plugins are loaded by
# path from configuration, never by the dynamic linker.
set(TXFORM_PLUGIN_INSTALL_DIR lib/txform/plugins)
set(TXFORM_SYSTEMD_UNIT_DIR lib/systemd/system)
set(TXFORM_CONFIG_DIR /etc/txform)

install(TARGETS passthrough filter fanout bank-enrich
        LIBRARY DESTINATION ${TXFORM_PLUGIN_INSTALL_DIR} COMPONENT txform)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/txform.service
        DESTINATION ${TXFORM_SYSTEMD_UNIT_DIR} COMPONENT txform)
# Absolute on purpose: configuration lives in /etc whatever the package prefix.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/config/txform.yaml
        DESTINATION ${TXFORM_CONFIG_DIR} COMPONENT txform)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/config/full.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT txform)

# Debian wants the licence as the package's copyright file.
foreach(component IN ITEMS txform txform-plugin-sdk)
  set(_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/${component})
  if(component STREQUAL txform-plugin-sdk)
    set(_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/txform-plugin-sdk-dev)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${_doc_dir} RENAME copyright
          COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR DEB)
# Debug information stays in the build tree; the packages carry stripped binaries.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL txform txform-plugin-sdk)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_NAME txform)
set(CPACK_PACKAGE_VENDOR "txform")
set(CPACK_PACKAGE_CONTACT "txform maintainers <txform@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Empty, or CPack would put the project's one-line summary above each package's own synopsis
# (the first line of CPACK_DEBIAN_<COMPONENT>_DESCRIPTION).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/txform/txform")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_TXFORM_PACKAGE_NAME txform)
set(CPACK_DEBIAN_TXFORM_DESCRIPTION
    "Exactly-once Kafka transform server with plugins\n\
txform owns the transactional consume-transform-produce loop against Apache Kafka and runs\n\
business logic from plugins loaded through a stable C ABI. Ships a systemd unit (not enabled),\n\
a default configuration in /etc/txform and the example plugins.")
# Library dependencies (librdkafka, protobuf, yaml-cpp, ...) come from dpkg-shlibdeps.
set(CPACK_DEBIAN_TXFORM_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_TXFORM_PACKAGE_SUGGESTS "txform-plugin-sdk-dev")
# Keeps an operator's edits to /etc/txform/txform.yaml across upgrades.
configure_file(${PROJECT_SOURCE_DIR}/deploy/debian/conffiles
               ${PROJECT_BINARY_DIR}/packaging/txform/conffiles COPYONLY)
set(CPACK_DEBIAN_TXFORM_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/packaging/txform/conffiles)
set(CPACK_DEBIAN_TXFORM_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_TXFORM-PLUGIN-SDK_PACKAGE_NAME txform-plugin-sdk-dev)
set(CPACK_DEBIAN_TXFORM-PLUGIN-SDK_PACKAGE_SECTION libdevel)
# Headers and CMake files only: the same package serves every architecture.
set(CPACK_DEBIAN_TXFORM-PLUGIN-SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_TXFORM-PLUGIN-SDK_PACKAGE_RECOMMENDS "cmake (>= 3.25), pkg-config")
set(CPACK_DEBIAN_TXFORM-PLUGIN-SDK_DESCRIPTION
    "Plugin SDK for txform: headers, CMake package, pkg-config file\n\
The C ABI header (txform/plugin.h), the header-only C++17 SDK (txform/plugin.hpp), a CMake\n\
package (find_package(txform-plugin-sdk), txform_add_plugin()) and a pkg-config file.")

include(CPack)
