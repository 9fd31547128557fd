package vpcd

import "syscall"

// quickAck asks the kernel to ACK incoming segments at once (TCP_QUICKACK, tcp(7)).
// Failure only costs speed, so it is ignored.
func (l *Link) quickAck() {
	_ = l.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
