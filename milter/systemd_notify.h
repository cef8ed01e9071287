// systemd_notify - the daemon's side of systemd's Type=notify protocol.
//
//   notify_ready()      READY=1: the milter socket listens (start-up, and after a reload)
//   notify_reloading()  RELOADING=1: a SIGHUP reload begins
//   notify_stopping()   STOPPING=1: SIGTERM/SIGINT received, shutdown begins
//
// Each sends one datagram to $NOTIFY_SOCKET through libsystemd's sd_notify.
// Without NOTIFY_SOCKET (not started by systemd, or Type= is not notify)
// they do nothing. A failed send is logged as a warning, never fatal: the
// mail path does not depend on systemd hearing from us.
#pragma once

namespace mailveil::milter {

void notify_ready();
void notify_reloading();
void notify_stopping();

} // namespace mailveil::milter
