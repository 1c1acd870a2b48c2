package station

import "github.com/yizhan/yizhan/server/hours"

// CodeInvalidNotice: a holiday notice's text that was not understood (422).
const CodeInvalidNotice = "invalid_notice"

// NoticeProblem is the error for a notice text that was not understood, in the catalogue's languages:
// what was not understood and in which item.
func NoticeProblem(ne *hours.NoticeError) *Error {
	if ne.Item == "" {
		return Errorf(CodeInvalidNotice, "text", "the text is not a holiday notice that can be read: %s", Msg(ne.Format, ne.Args...))
	}
	return Errorf(CodeInvalidNotice, "text", "in item %s: %s", ne.Item, Msg(ne.Format, ne.Args...))
}
