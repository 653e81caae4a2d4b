package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bwmarrin/discordgo"
)

// DescribedFile is a reply's file with a description: the text Discord shows screen readers in
// place of an image. discordgo v0.29 has no field for an attachment's description, so it
// travels with the file's reader, and the doors write it into the body's "attachments" array
// themselves (see multipartBody).
func DescribedFile(name, contentType, description string, data []byte) *discordgo.File {
	return &discordgo.File{Name: name, ContentType: contentType, Reader: &describedReader{Reader: bytes.NewReader(data), description: description}}
}

// describedReader is a file's content and its description.
type describedReader struct {
	io.Reader
	description string
}

// FileDescription is the description DescribedFile gave f, or "".
func FileDescription(f *discordgo.File) string {
	if d, ok := f.Reader.(*describedReader); ok {
		return d.description
	}
	return ""
}

// described reports whether any of files has a description.
func described(files []*discordgo.File) bool {
	for _, f := range files {
		if FileDescription(f) != "" {
			return true
		}
	}
	return false
}

// attachmentRequest is one entry of a body's "attachments": files[id] with its description.
type attachmentRequest struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Description string `json:"description,omitempty"`
}

// multipartBody is v as multipart/form-data with payload_json and files[n], as discordgo writes
// it, plus, when a file has a description, the attachments array that carries it: in the
// "data" object of an interaction response (inData), else at the top of a webhook body.
func multipartBody(v any, files []*discordgo.File, inData bool) (string, []byte, error) {
	if !described(files) {
		return discordgo.MultipartBodyWithJSON(v, files)
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return "", nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(payload, &top); err != nil {
		return "", nil, err
	}
	atts := make([]attachmentRequest, len(files))
	for i, f := range files {
		atts[i] = attachmentRequest{ID: fmt.Sprint(i), Filename: f.Name, Description: FileDescription(f)}
	}
	list, err := json.Marshal(atts)
	if err != nil {
		return "", nil, err
	}
	if inData {
		var data map[string]json.RawMessage
		if err := json.Unmarshal(top["data"], &data); err != nil {
			return "", nil, fmt.Errorf("interaction response without data: %w", err)
		}
		data["attachments"] = list
		if top["data"], err = json.Marshal(data); err != nil {
			return "", nil, err
		}
	} else {
		top["attachments"] = list
	}
	if payload, err = json.Marshal(top); err != nil {
		return "", nil, err
	}
	return discordgo.MultipartBodyWithJSON(json.RawMessage(payload), files)
}
