# Every third-party dependency, found once here. All come from Debian 12 packages
# (deploy/install-deps.sh installs them), except librdkafka: see below.
find_package(PkgConfig REQUIRED)

# librdkafka is built by deploy/install-librdkafka.sh from Debian's source package into its own
# prefix, because Debian 12's 2.0.2 lacks years of consumer and transaction fixes. It is linked
# statically, everywhere: Debian's librdkafka1 has the same soname (librdkafka.so.1) and is on
# most machines (kcat pulls it in), so a shared copy could be swapped for 2.0.2 by the loader;
# and the txform package then runs on a Debian 12 without the build prefix.
set(TXFORM_RDKAFKA_MIN_VERSION 2.14)
set(TXFORM_RDKAFKA_PREFIX /opt/txform/librdkafka-2.14.2
    CACHE PATH "Prefix of the librdkafka build (deploy/install-librdkafka.sh)")
set(_txform_pkg_config_path "$ENV{PKG_CONFIG_PATH}")
set(ENV{PKG_CONFIG_PATH} "${TXFORM_RDKAFKA_PREFIX}/lib/pkgconfig")
pkg_check_modules(RDKAFKA QUIET rdkafka-static)
set(ENV{PKG_CONFIG_PATH} "${_txform_pkg_config_path}")
if(NOT RDKAFKA_FOUND)
  message(FATAL_ERROR
    "librdkafka not found in TXFORM_RDKAFKA_PREFIX=${TXFORM_RDKAFKA_PREFIX} (no "
    "lib/pkgconfig/rdkafka-static.pc there). Run deploy/install-deps.sh, which builds it there, "
    "or point -DTXFORM_RDKAFKA_PREFIX= at a librdkafka ${TXFORM_RDKAFKA_MIN_VERSION} or newer.")
endif()
if(RDKAFKA_VERSION VERSION_LESS TXFORM_RDKAFKA_MIN_VERSION)
  message(FATAL_ERROR
    "librdkafka ${RDKAFKA_VERSION} in ${RDKAFKA_PREFIX} is too old: txform needs "
    "${TXFORM_RDKAFKA_MIN_VERSION} or newer (consumer and transaction fixes). Run "
    "deploy/install-deps.sh and configure with -DTXFORM_RDKAFKA_PREFIX=${TXFORM_RDKAFKA_PREFIX}.")
endif()
# By hand rather than pkg-config's IMPORTED_TARGET, which puts the archive among the link
# options, ahead of the objects that need it. Its own dependencies are Debian's shared libraries.
add_library(txform_rdkafka STATIC IMPORTED)
set_target_properties(txform_rdkafka PROPERTIES
  IMPORTED_LOCATION ${RDKAFKA_LIBDIR}/librdkafka.a
  INTERFACE_INCLUDE_DIRECTORIES ${RDKAFKA_INCLUDEDIR}
  INTERFACE_LINK_LIBRARIES "${RDKAFKA_LIBRARIES}")
add_library(txform::rdkafka ALIAS txform_rdkafka)
message(STATUS "librdkafka ${RDKAFKA_VERSION} (static) from ${RDKAFKA_LIBDIR}")

find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(Protobuf REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(civetweb CONFIG REQUIRED)  # libcivetweb-dev, which prometheus-cpp-dev depends on
find_package(yaml-cpp REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

if(TXFORM_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(TXFORM_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
