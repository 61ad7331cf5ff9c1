/* sandbox.h: the seccomp allow-list hhd-fcgi enters after start-up. */
#ifndef HHD_SANDBOX_H
#define HHD_SANDBOX_H

#include <stddef.h>

/* From here on only the system calls the request loop needs are allowed
 * (reading and writing sockets and the already open database, memory,
 * time, signals, read-only opens for the manifest). Any other call raises
 * SIGSYS, which logs the call's number and ends the process. Also sets
 * no_new_privs. With `net` (a PostgreSQL database), also new sockets of
 * the Unix and IP families, connect, send and receive: what libpq needs to
 * connect again after the server went away. 0, or -1 with a message in err. */
int sandbox_enter(int net, char *err, size_t errsz);

#endif
