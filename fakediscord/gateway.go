package fakediscord

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// ErrNoSession is returned by dispatches when no gateway session has
// identified yet, so there is nobody to send the event to.
var ErrNoSession = errors.New("fakediscord: no gateway session")

// writeTimeout bounds every gateway write, so a client that stops reading
// cannot wedge the fake (and the test) forever.
const writeTimeout = 5 * time.Second

// gwConn is one websocket connection.
type gwConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // gorilla allows one concurrent writer

	// Guarded by Server.mu.
	sess       *gwSession
	ready      bool // READY or RESUMED sent, and not retired by op 7/9 or a drop
	readyAt    time.Time
	heartbeats int
}

// gwSession is a gateway session: it survives its connection, so a client
// that resumes gets the dispatches it missed.
type gwSession struct {
	id     string
	token  string
	seq    int64
	events []gwEvent // dispatches, kept for replay on resume
	conn   *gwConn   // the connection serving the session, nil between connections
}

type gwEvent struct {
	seq   int64
	frame []byte
}

// gwPayload is the envelope of every gateway message.
type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// Gateway close codes the fake uses (Discord's numbering).
const (
	closeUnknownOpcode       = 4001
	closeDecodeError         = 4002
	closeAuthFailed          = 4004
	closeAlreadyAuthed       = 4005
	closeInvalidIntents      = 4013
	maxReplayedEventsPerSess = 10000
)

func (c *gwConn) write(messageType int, b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(messageType, b)
}

func (c *gwConn) closeWith(code int, text string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeTimeout))
}

// frame encodes a gateway message; s and t are set only for dispatches (op 0).
func frame(op int, d any, seq int64, t string) []byte {
	m := map[string]any{"op": op, "d": d, "s": nil, "t": nil}
	if op == 0 {
		m["s"], m["t"] = seq, t
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("fakediscord: encode gateway frame: %v", err))
	}
	return b
}

func zlibCompress(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// serveGateway speaks the gateway protocol on one websocket connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		writeError(w, http.StatusBadRequest, 0, "400: Bad Request")
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	s.connections++
	hb := s.heartbeat
	s.notifyLocked()
	s.mu.Unlock()
	defer s.dropConn(c)

	if c.write(websocket.TextMessage, frame(10, map[string]any{"heartbeat_interval": hb.Milliseconds()}, 0, "")) != nil {
		return
	}
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p gwPayload
		if mt != websocket.TextMessage || json.Unmarshal(data, &p) != nil {
			s.gatewayViolation("payload", data, errors.New("not a JSON text frame"))
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		switch p.Op {
		case 1: // heartbeat
			s.mu.Lock()
			s.heartbeats++
			c.heartbeats++
			s.notifyLocked()
			s.mu.Unlock()
			c.write(websocket.TextMessage, frame(11, nil, 0, ""))
		case 2:
			if !s.identify(c, p.D) {
				return
			}
		case 6:
			s.resume(c, p.D)
		case 3, 4, 8: // presence, voice state, request guild members: accepted, not simulated
		default:
			s.gatewayViolation(fmt.Sprintf("op %d", p.Op), data, errors.New("unknown opcode"))
			c.closeWith(closeUnknownOpcode, "Unknown opcode.")
			return
		}
	}
}

func (s *Server) gatewayViolation(what string, body []byte, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violationLocked("GATEWAY", what, body, err)
	s.notifyLocked()
}

// dropConn forgets a connection whose read loop has ended.
func (s *Server) dropConn(c *gwConn) {
	s.mu.Lock()
	delete(s.conns, c)
	if c.sess != nil && c.sess.conn == c {
		c.sess.conn = nil
	}
	c.ready = false
	s.notifyLocked()
	s.mu.Unlock()
	c.ws.Close()
}

// identify starts a new session on c and sends READY. It reports false when
// it closed the connection.
func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token    string       `json:"token"`
		Intents  *json.Number `json:"intents"`
		Compress bool         `json:"compress"`
		Shard    *[2]int      `json:"shard"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.gatewayViolation("op 2 Identify", d, err)
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if id.Token == "" {
		s.gatewayViolation("op 2 Identify", d, errors.New("identify without token"))
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	if id.Intents == nil {
		s.gatewayViolation("op 2 Identify", d, errors.New("identify without intents"))
		c.closeWith(closeInvalidIntents, "Invalid intent(s).")
		return false
	}

	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	if c.sess != nil && c.ready {
		s.violationLocked("GATEWAY", "op 2 Identify", d, errors.New("identify on an already identified connection"))
		s.notifyLocked()
		s.mu.Unlock()
		c.closeWith(closeAlreadyAuthed, "Already authenticated.")
		return false
	}
	sess := &gwSession{id: randomHex(16), token: id.Token, seq: 1, conn: c}
	s.sessions[sess.id] = sess
	s.current = sess
	c.sess, c.ready = sess, false
	s.identifies++
	s.lastIdentify = append(json.RawMessage(nil), d...)
	// The first READY of the fake is zlib-compressed in a binary frame (the
	// client asked for compression), later ones are text: both of discordgo's
	// decoding paths get exercised.
	compress := id.Compress && s.readies == 0
	s.readies++
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	user := botUser()
	user["verified"], user["mfa_enabled"] = true, false
	ready := frame(0, map[string]any{
		"v":                  10,
		"user":               user,
		"guilds":             []any{},
		"private_channels":   []any{},
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": s.GatewayURL(),
		"shard":              shard,
		"application":        map[string]any{"id": ApplicationID, "flags": 0},
	}, sess.seq, "READY")
	s.mu.Unlock()

	var err error
	if compress {
		err = c.write(websocket.BinaryMessage, zlibCompress(ready))
	} else {
		err = c.write(websocket.TextMessage, ready)
	}

	s.mu.Lock()
	if err == nil && c.sess == sess {
		c.ready, c.readyAt = true, time.Now()
		if compress {
			s.binaryFrames++
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

// resume reattaches a session to c, replays what the client missed and sends
// RESUMED; an unknown session gets op 9 (not resumable), as from Discord.
func (s *Server) resume(c *gwConn, d json.RawMessage) {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	json.Unmarshal(d, &rs)

	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	sess := s.sessions[rs.SessionID]
	if sess == nil || sess.token != rs.Token {
		s.mu.Unlock()
		c.write(websocket.TextMessage, frame(9, false, 0, ""))
		return
	}
	old := sess.conn
	if old != nil && old != c {
		old.ready, old.sess = false, nil
	}
	sess.conn = c
	c.sess, c.ready = sess, false
	s.current = sess
	var replay [][]byte
	for _, e := range sess.events {
		if e.seq > rs.Seq {
			replay = append(replay, e.frame)
		}
	}
	sess.seq++
	resumed := frame(0, map[string]any{}, sess.seq, "RESUMED")
	s.mu.Unlock()

	if old != nil && old != c {
		// Discord ends the previous connection of a resumed session.
		old.ws.NetConn().Close()
	}
	var err error
	for _, f := range replay {
		if err = c.write(websocket.TextMessage, f); err != nil {
			break
		}
	}
	if err == nil {
		err = c.write(websocket.TextMessage, resumed)
	}

	s.mu.Lock()
	if err == nil && c.sess == sess {
		c.ready, c.readyAt = true, time.Now()
		s.resumes++
	}
	s.notifyLocked()
	s.mu.Unlock()
}

// Dispatch sends an event (op 0) with the next sequence number to the
// current session. Without a live connection the event is kept and replayed
// when the client resumes, as Discord does; a client that re-identifies
// instead never sees it.
func (s *Server) Dispatch(eventType string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("fakediscord: encode %s: %w", eventType, err)
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	sess := s.current
	if sess == nil || s.closed {
		s.mu.Unlock()
		return ErrNoSession
	}
	sess.seq++
	f := frame(0, json.RawMessage(b), sess.seq, eventType)
	if len(sess.events) < maxReplayedEventsPerSess {
		sess.events = append(sess.events, gwEvent{seq: sess.seq, frame: f})
	}
	var c *gwConn
	if sess.conn != nil && sess.conn.ready {
		c = sess.conn
	}
	s.notifyLocked()
	s.mu.Unlock()
	if c != nil {
		// A failed write means the connection is dying; the event stays
		// in the session for replay.
		c.write(websocket.TextMessage, f)
	}
	return nil
}

// DispatchInteraction sends INTERACTION_CREATE to the connected session. It
// fills in i.ID, i.Token, i.AppID and i.Version when empty (so the caller
// can then look up Responses(i.ID)), and starts the interaction's 3-second
// answer deadline. The event carries attachment_size_limit, as Discord's does (see
// SetAttachmentSizeLimit).
func (s *Server) DispatchInteraction(i *discordgo.Interaction) error {
	s.mu.Lock()
	if i.ID == "" {
		i.ID = s.nextIDLocked()
	}
	if i.Token == "" {
		b := make([]byte, 48)
		rand.Read(b)
		i.Token = "aW50ZXJhY3Rpb246" + base64.RawURLEncoding.EncodeToString(b)
	}
	if i.AppID == "" {
		i.AppID = ApplicationID
	}
	if i.Version == 0 {
		i.Version = 1
	}
	st := s.interactions[i.ID]
	if st == nil {
		st = &interactionState{id: i.ID}
		s.interactions[i.ID] = st
	}
	st.token, st.channel, st.dispatchedAt = i.Token, i.ChannelID, time.Now()
	s.byToken[i.Token] = st
	limit := s.attachmentSizeLimitLocked()
	s.mu.Unlock()
	body, err := InteractionPayload(i, limit)
	if err != nil {
		return err
	}
	return s.Dispatch("INTERACTION_CREATE", json.RawMessage(body))
}

// liveConnLocked is the connection serving the current session, if any.
func (s *Server) liveConnLocked() *gwConn {
	if s.current == nil || s.current.conn == nil {
		return nil
	}
	return s.current.conn
}

// DropConnection closes every gateway TCP connection abruptly, without a
// close frame, as a network failure would. Sessions survive for resuming.
func (s *Server) DropConnection() {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.conns {
		conns = append(conns, c)
		c.ready = false
		if c.sess != nil && c.sess.conn == c {
			c.sess.conn = nil
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.NetConn().Close()
	}
}

// SendReconnect sends op 7 to the current connection. The connection stops
// counting as ready at once, so WaitReady waits for the client to come back.
func (s *Server) SendReconnect() {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	c := s.liveConnLocked()
	if c == nil {
		s.mu.Unlock()
		return
	}
	c.ready = false
	c.sess.conn = nil
	s.notifyLocked()
	s.mu.Unlock()
	c.write(websocket.TextMessage, frame(7, nil, 0, ""))
}

// SendInvalidSession sends op 9 to the current connection. If resumable is
// false the session is forgotten, so only a fresh Identify gets the client
// back; discordgo identifies again on the same connection either way.
func (s *Server) SendInvalidSession(resumable bool) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	c := s.liveConnLocked()
	if c == nil {
		s.mu.Unlock()
		return
	}
	sess := c.sess
	sess.conn = nil
	if !resumable {
		delete(s.sessions, sess.id)
		if s.current == sess {
			s.current = nil
		}
	}
	c.sess, c.ready = nil, false
	s.notifyLocked()
	s.mu.Unlock()
	c.write(websocket.TextMessage, frame(9, resumable, 0, ""))
}

// firstHeartbeatGrace bounds how long WaitReady waits for a ready
// connection's first heartbeat.
const firstHeartbeatGrace = time.Second

// WaitReady waits until the current session has a connection that got READY
// or RESUMED, e.g. after Open, or after a drop, op 7 or op 9.
//
// It also waits for that connection's first heartbeat (at most a second).
// discordgo v0.29 starts its heartbeat goroutine as Open returns, and that
// goroutine's first write blocks on the session lock; if Close or an op 7
// takes the lock first, the late heartbeat fails and discordgo reconnects a
// second time in the background (and races with itself). Tests that act only
// after WaitReady stay clear of that.
func (s *Server) WaitReady(ctx context.Context) error {
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		c := s.liveConnLocked()
		ready := c != nil && c.ready
		var wait time.Duration
		if ready && c.heartbeats == 0 {
			wait = firstHeartbeatGrace - time.Since(c.readyAt)
		}
		s.mu.Unlock()
		if ready && wait <= 0 {
			return nil
		}
		if closed {
			return errors.New("fakediscord: server closed")
		}
		var grace <-chan time.Time
		if ready {
			grace = time.After(wait)
		}
		select {
		case <-ch:
		case <-grace:
		case <-ctx.Done():
			return fmt.Errorf("fakediscord: waiting for a ready gateway session: %w", ctx.Err())
		}
	}
}

// SetHeartbeatInterval sets the interval announced in Hello to connections
// made from now on; tests use a short one to exercise heartbeating.
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heartbeat = d
}

// Identifies counts Identify payloads that started a session.
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes counts successful resumes.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Connections counts websocket connections accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// Heartbeats counts op 1 heartbeats received (each answered with op 11).
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// CompressedFrames counts zlib-compressed binary frames sent (the first READY).
func (s *Server) CompressedFrames() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binaryFrames
}

// LastIdentify returns the last Identify payload's "d", e.g. to check intents.
func (s *Server) LastIdentify() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(json.RawMessage(nil), s.lastIdentify...)
}
