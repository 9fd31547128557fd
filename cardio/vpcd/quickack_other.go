//go:build !linux

package vpcd

// quickAck does nothing: TCP_QUICKACK is Linux-only and other systems offer no portable
// per-socket equivalent, so there a round trip may still wait for a delayed ACK.
func (l *Link) quickAck() {}
