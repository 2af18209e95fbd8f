package provisioning

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// audit queues an audit-trail line; it never blocks a request. Lines are
// written in batches by the event writer.
func (s *Service) audit(e Event) {
	if e.Time.IsZero() {
		e.Time = s.now().UTC()
	}
	// What a requester sends is bounded and made printable before it is
	// kept: the CLI shows it on a terminal, the export in a spreadsheet.
	e.UA = truncate(Printable(e.UA), maxAuditUA)
	e.File = Printable(e.File)
	s.events.add(e)
}

// Events reads the audit trail, newest first. Lines still queued are
// flushed first so an admin sees what just happened.
func (s *Service) Events(ctx context.Context, f EventFilter) ([]Event, error) {
	s.events.flush()
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	return s.st.Events(ctx, f)
}

// maxAuditUA bounds the User-Agent kept per audit line.
const maxAuditUA = 256

// eventWriter writes audit lines in the background, in batches, keeping
// memory bounded: when the queue is full, lines about unknown MACs are
// dropped first (they are what a scanner produces in bulk).
type eventWriter struct {
	st       Store
	log      *slog.Logger
	keep     int // audit lines of unknown devices kept
	keepAll  int // audit lines kept in all
	q        chan Event
	flushReq chan chan struct{}
	quit     chan struct{}
	done     chan struct{}
}

const eventQueue = 4096

func newEventWriter(st Store, log *slog.Logger, keep, keepAll int) *eventWriter {
	w := &eventWriter{st: st, log: log, keep: keep, keepAll: keepAll, q: make(chan Event, eventQueue),
		flushReq: make(chan chan struct{}), quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *eventWriter) add(e Event) {
	select {
	case w.q <- e:
		return
	default:
	}
	if e.Unknown() && e.Proto != "ban" {
		return // a flood of unknown-MAC lines: dropping them is the bound
	}
	// Lines about known devices and bans are worth a short wait.
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case w.q <- e:
	case <-t.C:
		w.log.Warn("audit queue full, event dropped", "mac", e.MAC.String(), "ip", e.IP.String(), "reason", e.Reason)
	}
}

func (w *eventWriter) flush() {
	ack := make(chan struct{})
	select {
	case w.flushReq <- ack:
		<-ack
	case <-w.done:
	}
}

func (w *eventWriter) run() {
	defer close(w.done)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	// A batch is written when it holds maxBatchLines lines or at the
	// tick, whichever comes first; repeats fold into their first line
	// (eventBatch), so a busy tick costs one row per distinct request.
	var batch eventBatch
	writes := 0
	for {
		select {
		case e := <-w.q:
			batch.add(e)
			w.take(&batch)
			if batch.lines() < maxBatchLines {
				w.settle()
				continue
			}
		case ack := <-w.flushReq:
			w.drain(&batch)
			w.write(batch.take(), &writes)
			close(ack)
			continue
		case <-tick.C:
		case <-w.quit:
			w.drain(&batch)
			w.write(batch.take(), &writes)
			return
		}
		w.write(batch.take(), &writes)
	}
}

// maxBatchLines bounds the lines (rows) of one transaction.
const maxBatchLines = 256

// settle lets the lines of a busy moment gather in the queue before the
// writer takes them. Without it, under load the writer parked on the
// queue after nearly every line and each request's audit woke it: a
// goroutine switch (and often a thread wake-up) per ~1.7 requests at 50
// keep-alive connections (runtime/trace). Every line still reaches the
// queue at once and the batch is still written at the tick; an idle
// writer still wakes on the first line.
func (w *eventWriter) settle() {
	time.Sleep(settleTime)
}

// settleTime is short against the tick and the queue: at 4,096 lines it
// fills only above 4 million lines a second.
const settleTime = time.Millisecond

// take adds the lines already queued, up to a full batch: under load
// the queue holds many, and a plain receive costs less than the select.
// The writer is the queue's only reader, so what len counts is there.
func (w *eventWriter) take(batch *eventBatch) {
	for n := len(w.q); n > 0 && batch.lines() < maxBatchLines; n-- {
		batch.add(<-w.q)
	}
}

func (w *eventWriter) drain(batch *eventBatch) {
	for {
		select {
		case e := <-w.q:
			batch.add(e)
		default:
			return
		}
	}
}

func (w *eventWriter) write(batch []Event, writes *int) {
	if len(batch) == 0 {
		return
	}
	ctx := context.Background()
	if err := w.st.AddEvents(ctx, batch); err != nil {
		w.log.Error("writing audit trail", "err", err, "events", len(batch), "requests", requests(batch))
		return
	}
	*writes++
	if *writes%50 == 0 {
		if err := w.st.TrimEvents(ctx, w.keep, w.keepAll); err != nil {
			w.log.Error("trimming audit trail", "err", err)
		}
	}
}

// requests is how many requests the lines es stand for (folded repeats
// count each): what a lost batch loses.
func requests(es []Event) int {
	n := 0
	for _, e := range es {
		n += e.Times()
	}
	return n
}

func (w *eventWriter) close() {
	close(w.quit)
	<-w.done
}

// Unknown reports a line anyone can produce in bulk, which the store
// bounds apart (Store.TrimEvents' keepUnknown) and a full queue drops
// first: a line about no known device (no MAC, or a refusal of an
// unknown MAC naming it), and a TFTP or DHCP refusal whatever MAC it
// names. Their sources can be forged, so no ban stops a flood of
// refusals for a known phone (its file over TFTP, a lease move with its
// chaddr over DHCP) from ever new addresses; counted with the real
// history, they would trim it away.
func (e Event) Unknown() bool {
	return e.MAC.IsZero() || strings.HasPrefix(e.Reason, reasonUnknownMAC) || strings.HasPrefix(e.Reason, reasonUnknownFile) ||
		((e.Proto == string(ProtoTFTP) || e.Proto == "dhcp") && e.Outcome == "refused")
}
