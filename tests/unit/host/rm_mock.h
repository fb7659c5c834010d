/* The kernel as host tests of resource managers see it: one reply at a time, recorded in k. */
#ifndef RM_MOCK_H
#define RM_MOCK_H
#include <stddef.h>
#include <stdint.h>

/* What the server under test last did. Tests set client_msg/client_len to what MsgRead
 * reads, and each test file defines rm_self_pid() (the server's pid). */
struct rm_mock {
	int	replied;		/* 1 reply, 2 error */
	int	status;
	int	err;
	_Alignas(8) uint8_t data[70000];	/* the reply's data */
	size_t	len;
	const uint8_t *client_msg;	/* what MsgRead reads */
	size_t	client_len;
	int	detached_scoid;		/* the last ConnectDetach's argument */
};
extern struct rm_mock k;

#endif
