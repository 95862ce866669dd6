# `make package`: two Debian packages built with CPack from the install rules below.
#   waystation-sync-server  /usr/bin/sync-server, its forms, /etc/waystation/sync-server.conf,
#                           systemd units (the service and a daily backup timer), man page
#   waystation-kiosk        /usr/bin/kiosk and kiosk-cli, forms and content, kiosk.conf, the
#                           cage session unit and its PAM file, man page
# Library dependencies come from dpkg-shlibdeps; the rest are named below.
set(WS_PKG_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(WS_MAN_DIR ${PROJECT_BINARY_DIR}/man)

# Man pages from each program's own --help (one command table, never written twice).
add_custom_command(OUTPUT ${WS_MAN_DIR}/sync-server.1.gz ${WS_MAN_DIR}/kiosk.1.gz ${WS_MAN_DIR}/kiosk-cli.1.gz
                          ${WS_MAN_DIR}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${WS_MAN_DIR}
  COMMAND ${WS_PKG_DIR}/make-man.sh $<TARGET_FILE:sync-server> "Waystation sync server and its admin commands"
          ${PROJECT_VERSION} "/etc/waystation/sync-server.conf, /var/lib/waystation/server/server.db"
          ${WS_MAN_DIR}/sync-server.1.gz
  COMMAND ${WS_PKG_DIR}/make-man.sh $<TARGET_FILE:kiosk> "Waystation kiosk: the touch-screen window and its headless commands"
          ${PROJECT_VERSION} "/etc/waystation/kiosk.conf, /var/lib/waystation/kiosk" ${WS_MAN_DIR}/kiosk.1.gz
  COMMAND ${WS_PKG_DIR}/make-man.sh $<TARGET_FILE:kiosk-cli> "Waystation kiosk's headless commands, without the window"
          ${PROJECT_VERSION} "/etc/waystation/kiosk.conf, /var/lib/waystation/kiosk" ${WS_MAN_DIR}/kiosk-cli.1.gz
  COMMAND sh -c "gzip -9n < ${WS_PKG_DIR}/changelog > ${WS_MAN_DIR}/changelog.gz"
  DEPENDS sync-server kiosk kiosk-cli ${WS_PKG_DIR}/make-man.sh ${WS_PKG_DIR}/changelog
  VERBATIM)
add_custom_target(man_pages ALL DEPENDS ${WS_MAN_DIR}/sync-server.1.gz ${WS_MAN_DIR}/kiosk.1.gz ${WS_MAN_DIR}/kiosk-cli.1.gz)

# The server.
install(TARGETS sync-server RUNTIME DESTINATION bin COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/forms DESTINATION share/waystation/server COMPONENT server)
install(FILES ${WS_PKG_DIR}/server/sync-server.conf DESTINATION /etc/waystation COMPONENT server)
install(FILES ${WS_PKG_DIR}/server/waystation-sync-server.service ${WS_PKG_DIR}/server/waystation-backup.service
              ${WS_PKG_DIR}/server/waystation-backup.timer
        DESTINATION /lib/systemd/system COMPONENT server)
install(FILES ${WS_PKG_DIR}/server/sysusers.conf DESTINATION lib/sysusers.d RENAME waystation-sync-server.conf
        COMPONENT server)
install(FILES ${WS_MAN_DIR}/sync-server.1.gz DESTINATION share/man/man1 COMPONENT server)
install(FILES ${WS_PKG_DIR}/copyright ${WS_MAN_DIR}/changelog.gz
        DESTINATION share/doc/waystation-sync-server COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md DESTINATION share/doc/waystation-sync-server COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/monitoring DESTINATION share/doc/waystation-sync-server/examples
        COMPONENT server)

# The kiosk.
install(TARGETS kiosk kiosk-cli RUNTIME DESTINATION bin COMPONENT kiosk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/forms ${PROJECT_SOURCE_DIR}/assets/content
        DESTINATION share/waystation/kiosk COMPONENT kiosk)
install(FILES ${WS_PKG_DIR}/kiosk/kiosk.conf DESTINATION /etc/waystation COMPONENT kiosk)
install(FILES ${WS_PKG_DIR}/kiosk/pam.conf DESTINATION /etc/pam.d RENAME waystation-kiosk COMPONENT kiosk)
install(FILES ${WS_PKG_DIR}/kiosk/waystation-kiosk.service DESTINATION /lib/systemd/system COMPONENT kiosk)
install(FILES ${WS_PKG_DIR}/kiosk/sysusers.conf DESTINATION lib/sysusers.d RENAME waystation-kiosk.conf
        COMPONENT kiosk)
install(FILES ${WS_MAN_DIR}/kiosk.1.gz ${WS_MAN_DIR}/kiosk-cli.1.gz DESTINATION share/man/man1 COMPONENT kiosk)
install(FILES ${WS_PKG_DIR}/copyright ${WS_MAN_DIR}/changelog.gz
        DESTINATION share/doc/waystation-kiosk COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/docs/deploy.md DESTINATION share/doc/waystation-kiosk COMPONENT kiosk)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Waystation maintainers <maintainers@waystation.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline-first field kiosk and sync server for reception centres")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://waystation.invalid/")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME waystation-sync-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "openssl, procps, systemd")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Waystation sync server
 Receives the records that Waystation kiosks push when they are online,
 merges them field by field, and serves them, published forms and
 information content back to the kiosks of each centre. Runs as a systemd
 service with a daily backup timer.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${WS_PKG_DIR}/server/postinst;${WS_PKG_DIR}/server/prerm;${WS_PKG_DIR}/server/postrm;${WS_PKG_DIR}/server/conffiles")

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME waystation-kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "cage, xwayland, fonts-noto-core, fonts-dejavu-core, systemd")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "libegl1, espeak-ng, alsa-utils")
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "Waystation kiosk
 The touch-screen kiosk of a reception centre: information screens for
 migrants in their own language and the counsellors' intake and
 counselling forms, kept on the kiosk and synced to the Waystation sync
 server when the network is there. Starts full screen at boot in a cage
 session.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${WS_PKG_DIR}/kiosk/postinst;${WS_PKG_DIR}/kiosk/prerm;${WS_PKG_DIR}/kiosk/postrm;${WS_PKG_DIR}/kiosk/conffiles")

include(CPack)
