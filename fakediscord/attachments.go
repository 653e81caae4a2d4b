package fakediscord

import (
	"net/http"
	"strconv"
	"strings"
)

// attachmentPrefix is where the fake serves the files a test attaches to interactions, as
// Discord's CDN serves them: GET /attachments/{channel}/{id}/{filename}.
const attachmentPrefix = "/attachments/"

// attachment is one served file.
type attachment struct {
	data        []byte
	contentType string
	fetches     int
}

// AddAttachment serves data at a URL on the fake's loopback host and returns the URL, to put
// in an interaction's resolved attachments. The bot fetches it as it would a file on
// cdn.discordapp.com (the host of api_base is allowed for that).
func (s *Server) AddAttachment(filename, contentType string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attachments == nil {
		s.attachments = map[string]*attachment{}
	}
	s.lastID++
	path := attachmentPrefix + "1100000000000000100/" + strconv.FormatInt(s.lastID, 10) + "/" + filename
	s.attachments[path] = &attachment{data: append([]byte(nil), data...), contentType: contentType}
	return s.srv.URL + path
}

// AttachmentFetches is how many times the file at url was downloaded.
func (s *Server) AttachmentFetches(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.attachments[strings.TrimPrefix(url, s.srv.URL)]; a != nil {
		return a.fetches
	}
	return 0
}

// serveAttachment answers a download of an attached file.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.attachments[r.URL.Path]
	if a != nil && r.Method == http.MethodGet {
		a.fetches++
	}
	s.mu.Unlock()
	if a == nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.data)))
	_, _ = w.Write(a.data)
}
