# Every third-party dependency, found once here. All come from Debian 12 packages
# (deploy/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka>=2.0)

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
