# Debian packages through CPack: three binary packages built from one build directory, one component each.
#   camera -> bodycam-camera  bodycam-recorder, its example configuration, its systemd unit, bodycam-recorder(8)
#   dock   -> bodycam-dock    bodycam-dockd, its example configuration, its systemd unit, bodycam-dockd(8)
#   tools  -> bodycam-tools   bodycam and bodycam(1)
# A build makes the packages of the programs it built (a camera-only cross build makes bodycam-camera only),
# for the architecture it builds for (arm64 in the aarch64 cross build). Guarantees: run-time dependencies
# come from dpkg-shlibdeps over the installed binaries, never from a hand-written list (only adduser, which
# the maintainer scripts call, is named); binaries are stripped; every package carries its copyright file,
# changelog, man pages, maintainer scripts (packaging/<package>/) and lintian overrides. scripts/package
# is the one command that builds them; docs/operations.md describes what they install.
#
# bodycam_install_man(COMPONENT PAGE) installs docs/man/PAGE (e.g. bodycam.1) gzipped with `gzip -9n`
# (reproducible: no name or time stamp) into share/man/man<section>. bodycam_install_package_docs(COMPONENT)
# installs the copyright file, changelog and lintian overrides of that component's package.
# bodycam_configure_packages() sets up CPack; the top-level CMakeLists.txt calls it after every install rule.

set(BODYCAM_PACKAGE_camera bodycam-camera)
set(BODYCAM_PACKAGE_dock bodycam-dock)
set(BODYCAM_PACKAGE_tools bodycam-tools)

find_program(BODYCAM_GZIP gzip REQUIRED)

function(bodycam_install_man component page)
  string(REGEX MATCH "[0-9]$" section "${page}")
  set(source ${PROJECT_SOURCE_DIR}/docs/man/${page})
  set(gz ${PROJECT_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${BODYCAM_GZIP} -9n -c ${source} > ${gz}
    DEPENDS ${source} VERBATIM)
  add_custom_target(bodycam_man_${page} ALL DEPENDS ${gz})
  install(FILES ${gz} DESTINATION share/man/man${section} COMPONENT ${component})
endfunction()

function(bodycam_install_package_docs component)
  set(package ${BODYCAM_PACKAGE_${component}})
  set(changelog ${PROJECT_BINARY_DIR}/packaging/${package}/changelog.gz)
  add_custom_command(OUTPUT ${changelog}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging/${package}
    COMMAND ${BODYCAM_GZIP} -9n -c ${PROJECT_SOURCE_DIR}/packaging/changelog > ${changelog}
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog VERBATIM)
  add_custom_target(bodycam_changelog_${component} ALL DEPENDS ${changelog})
  install(FILES ${changelog} ${PROJECT_SOURCE_DIR}/packaging/copyright
          DESTINATION share/doc/${package} COMPONENT ${component})
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/${package}/lintian-overrides
          DESTINATION share/lintian/overrides RENAME ${package} COMPONENT ${component})
endfunction()

function(bodycam_configure_packages)
  set(components "")
  foreach(pair camera:bodycam-recorder dock:bodycam-dockd tools:bodycam)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 component)
    list(GET pair 1 program)
    if(TARGET ${program})
      list(APPEND components ${component})
    endif()
  endforeach()

  set(CPACK_GENERATOR DEB)
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_COMPONENTS_ALL ${components})
  set(CPACK_PACKAGE_NAME bodycam)
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_PACKAGE_CONTACT "bodycam maintainers <bodycam@example.org>")
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_STRIP_FILES ON)
  set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SECTION video)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  endif()
  # Dependencies between the parts cannot come from dpkg-shlibdeps: the programs talk over sockets and
  # `bodycam simulate` runs the daemons as child processes, so those are suggestions.
  set(CPACK_DEBIAN_CAMERA_PACKAGE_NAME bodycam-camera)
  set(CPACK_DEBIAN_CAMERA_PACKAGE_DEPENDS adduser)
  set(CPACK_DEBIAN_CAMERA_PACKAGE_SECTION video)
  set(CPACK_COMPONENT_CAMERA_DESCRIPTION "body-worn camera recorder daemon with signed, chained footage
bodycam-recorder records from the camera (V4L2 and ALSA, or a synthetic
source) into fragmented MP4 segments, and keeps a signed, hash-chained
ledger of every segment, statement, interruption and receipt, so that
nothing recorded can be lost, altered or deleted unseen. The package
installs the daemon, an example configuration and a systemd unit that
runs it as the unprivileged user bodycam-camera.")
  set(CPACK_DEBIAN_DOCK_PACKAGE_NAME bodycam-dock)
  set(CPACK_DEBIAN_DOCK_PACKAGE_DEPENDS adduser)
  set(CPACK_DEBIAN_DOCK_PACKAGE_SECTION net)
  set(CPACK_COMPONENT_DOCK_DESCRIPTION "body-worn camera docking-station daemon
bodycam-dockd pulls footage from docked cameras over an authenticated
link, verifies every signed record, file hash and chain link, stores the
footage write-once, and hands signed receipts back to the cameras. It
schedules uploads by deadline and serves its status on localhost. The
package installs the daemon, an example configuration and a systemd unit
that runs it as the unprivileged user bodycam-dock.")
  set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME bodycam-tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS adduser)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SUGGESTS "bodycam-camera, bodycam-dock, espeak-ng, sox")
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
  set(CPACK_COMPONENT_TOOLS_DESCRIPTION "evidence tools for body-worn camera footage
The bodycam command verifies ledgers, stores and court bundles offline,
audits every device chain for gaps and missing statements, exports
bundles for a case, manages keys and enrolment, applies retention, and
runs a simulated shift (which needs bodycam-camera, bodycam-dock,
espeak-ng and sox). It also carries bodycam-console, the agency's web
console, with a systemd unit that runs it as the unprivileged user
bodycam-console.")
  foreach(component camera dock tools)
    string(TOUPPER ${component} upper)
    set(dir ${PROJECT_SOURCE_DIR}/packaging/${BODYCAM_PACKAGE_${component}})
    set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_EXTRA "${dir}/postinst;${dir}/postrm")
  endforeach()
  include(CPack)
endfunction()
