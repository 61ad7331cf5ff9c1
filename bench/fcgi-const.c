/* fcgi-const: the FastCGI ceiling. Answers every request with a constant 204,
 * reading nothing: what remains is the cost of nginx <-> FastCGI itself.
 *     fcgi-const SOCKET     (a Unix socket path; created with mode 0660)
 * Built by bench/fcgi: cc -O2 fcgi-const.c -lfcgi */
#include <fcgiapp.h>
#include <stdio.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fcgi-const SOCKET\n");
		return 2;
	}
	FCGX_Request req;
	int fd;
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(argv[1], 128)) < 0)
		return perror(argv[1]), 1;
	chmod(argv[1], 0660);
	FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR);
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutS("Status: 204 No Content\r\nCache-Control: no-store\r\n\r\n", req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
