# `cpack -G DEB` (from the build folder) makes repram_<version>_<arch>.deb: both executables, the
# hardened systemd unit and /etc/default/repram (a conffile). Installing never builds: the
# package takes the binaries ./build already has (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY), stripped.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS repram repram-omega RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/repram.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/repram.default
        DESTINATION /etc/default RENAME repram)

set(REPRAM_DEB_CONFFILES ${PROJECT_BINARY_DIR}/packaging/conffiles)
file(WRITE ${REPRAM_DEB_CONFFILES} "/etc/default/repram\n")

set(CPACK_PACKAGE_NAME repram)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "ephemeral key/value store in RAM with a mandatory TTL, replicated by gossip")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "REPRAM maintainers <maintainers@repram.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${REPRAM_DEB_CONFFILES})
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
include(CPack)
