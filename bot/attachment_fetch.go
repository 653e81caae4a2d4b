package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/mission"
)

// Attachment download limits.
const (
	// MaxAttachment bounds a file a command downloads: a guild's records as CSV are far smaller.
	MaxAttachment = 2 << 20
	// AttachmentTimeout bounds the whole download, so that a slow host cannot hold a handler.
	AttachmentTimeout = 20 * time.Second
)

// discordCDNHosts are the hosts Discord serves attachments from.
var discordCDNHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// AttachmentFetcher downloads a file a user attached to a command. The URL comes from a signed
// but untrusted payload, so it is fetched only from Discord's CDN (HTTPS), or from the host of
// api_base when one is set (a local stand-in in tests); any other URL — a cloud metadata
// address, an intranet host — is refused before any request is made. Redirects are not
// followed, the size is capped and the download is bounded in time.
type AttachmentFetcher struct {
	// APIBase is [discord].api_base; its scheme and host are allowed beside the CDN.
	APIBase string
	// Max is the size cap (MaxAttachment when 0); Timeout the time cap (AttachmentTimeout when 0).
	Max     int64
	Timeout time.Duration
	// Client does the request; nil is a client that follows no redirect.
	Client *http.Client
}

// Refusals of an attachment; the user can fix each by uploading again.
var (
	errAttachmentHost    = mission.Refuse(mission.EInvalid, "import.url_refused").WithHint("import.upload.example")
	errAttachmentMissing = mission.Refuse(mission.EInvalid, "import.no_file").WithHint("import.upload.example")
)

// allowed reports whether u may be fetched.
func (f *AttachmentFetcher) allowed(u *url.URL) bool {
	if u.User != nil {
		return false
	}
	if f.APIBase != "" {
		if b, err := url.Parse(f.APIBase); err == nil && b.Host != "" &&
			strings.EqualFold(u.Scheme, b.Scheme) && strings.EqualFold(u.Host, b.Host) {
			return true
		}
	}
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range discordCDNHosts {
		if host == h {
			return true
		}
	}
	return false
}

// Attachment returns the attachment an attachment option names, from the interaction's
// resolved data; a refusal when the payload carries none.
func Attachment(req *Request, option string) (*discordgo.MessageAttachment, error) {
	id, ok := req.String(option)
	if !ok || req.Interaction == nil || req.Interaction.Type != discordgo.InteractionApplicationCommand {
		return nil, errAttachmentMissing
	}
	res := req.Interaction.ApplicationCommandData().Resolved
	if res == nil || res.Attachments[id] == nil {
		return nil, errAttachmentMissing
	}
	return res.Attachments[id], nil
}

// max is the size cap: Max, or MaxAttachment when it is not set.
func (f *AttachmentFetcher) max() int64 {
	if f.Max <= 0 {
		return MaxAttachment
	}
	return f.Max
}

// fetchFailed refuses a download that did not succeed, saying why in the reader's language;
// the user can upload again. The HTTP or network library's own words ("404 Not Found", "dial
// tcp: …") are English: they stay in the error's cause, which the router logs.
func fetchFailed(reason mission.Text, cause error) error {
	e := mission.Refuse(mission.EInvalid, "import.fetch_failed", "Reason", reason).WithHint("import.upload.example")
	e.Cause = cause
	return e
}

// Fetch downloads the attachment at rawURL, or refuses it.
func (f *AttachmentFetcher) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !f.allowed(u) {
		return nil, errAttachmentHost
	}
	limit, timeout := f.max(), f.Timeout
	if timeout <= 0 {
		timeout = AttachmentTimeout
	}
	client := f.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errAttachmentHost
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetchFailed(fetchReason(err), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fetchFailed(mission.T("import.fetch.status", "Code", resp.StatusCode), fmt.Errorf("HTTP %s", resp.Status))
	}
	if resp.ContentLength > limit {
		return nil, tooBig(limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fetchFailed(fetchReason(err), err)
	}
	if int64(len(body)) > limit {
		return nil, tooBig(limit)
	}
	return body, nil
}

// CheckAttachmentSize refuses an attachment whose declared size is over the cap before it is
// downloaded.
func (f *AttachmentFetcher) CheckAttachmentSize(a *discordgo.MessageAttachment) error {
	limit := f.max()
	if int64(a.Size) > limit {
		return tooBig(limit)
	}
	return nil
}

func tooBig(limit int64) error {
	return mission.Refuse(mission.EInvalid, "import.too_big", "MiB", fmt.Sprintf("%.0f", float64(limit)/(1<<20))).
		WithHint("import.too_big.example")
}

// fetchReason says in the reader's words why a download failed: it timed out, or the network
// failed (no URL: it may carry a token; the error itself goes to the log as the cause).
func fetchReason(err error) mission.Text {
	if errors.Is(err, context.DeadlineExceeded) {
		return mission.T("import.fetch.timeout")
	}
	return mission.T("import.fetch.network")
}
