package pcsc_test

import (
	"context"
	"testing"
	"time"

	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
)

func TestDbgQuick(t *testing.T) {
	c := pcsctest.RequirePCSCD(t)
	waitEmpty(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, _ := c.Watch(ctx)
	go func() {
		for ev := range events {
			t.Logf("%v %v %s % X", time.Now().Format("05.000"), ev.Kind, ev.Reader, ev.ATR)
		}
	}()
	_, first := insert(t, atrFOMSOMS)
	time.Sleep(1 * time.Second)
	t.Logf("%v removing", time.Now().Format("05.000"))
	first.Remove()
	_, second := insert(t, atrFOMS112)
	t.Logf("%v inserted", time.Now().Format("05.000"))
	time.Sleep(2 * time.Second)
	st, _ := c.States([]string{reader})
	t.Logf("%+v", st)
	second.Remove()
	time.Sleep(1 * time.Second)
}

func TestDbgCancel(t *testing.T) {
	c := pcsctest.RequirePCSCD(t)
	pcsctest.InsertCard(t, c, slot, newEchoCard(atrFOMSOMS))
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		err := pcsc.WaitForRemoval(ctx, c, reader)
		t.Logf("%v %v", time.Since(start), err)
		cancel()
	}
}
