package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Row    int    `json:"row,omitempty"`
	// Current is the station as it is now, with a version_conflict (412): what the editor overwrote.
	Current json.RawMessage `json:"current,omitempty"`
	// RequestID is also in the X-Request-ID header and the server's log.
	RequestID string `json:"request_id,omitempty"`
}

// Codes the HTTP layer adds to the domain's.
const (
	codeMethodNotAllowed     = "method_not_allowed"
	codePayloadTooLarge      = "payload_too_large"
	codeUnsupportedMediaType = "unsupported_media_type"
	codeRateLimited          = "rate_limited" // with a Retry-After header
	codeImportRunning        = "import_running"
	codeURITooLong           = "uri_too_long"
)

// statusOf maps every error code to its HTTP status: the one place where that decision is made.
var statusOf = map[string]int{
	station.CodeInvalidParameter:   http.StatusBadRequest,
	station.CodeMissingParameter:   http.StatusBadRequest,
	station.CodeDuplicateParameter: http.StatusBadRequest,
	station.CodeOutOfRange:         http.StatusBadRequest,
	station.CodeNotFound:           http.StatusNotFound,
	station.CodeInvalidImport:      http.StatusUnprocessableEntity,
	station.CodeInvalidNotice:      http.StatusUnprocessableEntity,
	station.CodeUnavailable:        http.StatusServiceUnavailable,
	station.CodeStorageUnavailable: http.StatusServiceUnavailable,
	station.CodeInternal:           http.StatusInternalServerError,
	codeMethodNotAllowed:           http.StatusMethodNotAllowed,
	codePayloadTooLarge:            http.StatusRequestEntityTooLarge,
	codeUnsupportedMediaType:       http.StatusUnsupportedMediaType,
	codeRateLimited:                http.StatusTooManyRequests,
	auth.CodeUnauthenticated:       http.StatusUnauthorized,
	station.CodeForbidden:          http.StatusForbidden,
	auth.CodeAlreadyExists:         http.StatusConflict,
	auth.CodeLastAdmin:             http.StatusConflict,
	auth.CodeNotOperator:           http.StatusConflict,
	station.CodeVersionConflict:    http.StatusPreconditionFailed,
	station.CodePreconditionNeeded: http.StatusPreconditionRequired,
	codeImportRunning:              http.StatusConflict,
	codeURITooLong:                 http.StatusRequestURITooLong,
	codec.CodeUnsupportedFileType:  http.StatusUnsupportedMediaType,
	codeUploadIncomplete:           http.StatusBadRequest,
	codeUploadTooSlow:              http.StatusRequestTimeout,
	codePrimaryUnavailable:         http.StatusServiceUnavailable,
	codec.CodeOutsideDistrict:      http.StatusBadRequest, // an edit's moved point; an import reports it per row
}

// handleError is Echo's single error handler. Domain errors carry a safe detail; Echo's own errors
// (no route, wrong method) are translated; anything else is logged in full and answered with a
// generic 500 that reveals nothing.
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var de *station.Error
	var he *echo.HTTPError
	status := 0
	switch {
	case errors.As(err, &de):
		status = statusOf[de.Code]
		if de.Code == station.CodeStorageUnavailable {
			// The disk is full or failing: the operator must act, the client may retry later.
			s.metrics.dbErrors.Inc()
			s.Log.Error("storage unavailable", "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path, "err", de.Cause)
			c.Response().Header().Set(echo.HeaderRetryAfter, "60")
		}
	case errors.As(err, &he) && he.Code < 500:
		// Echo's own refusals: no route, wrong method, body too large ...
		status = he.Code
		code, ok := codeOfStatus[status]
		if !ok {
			code = station.CodeInvalidParameter
		}
		de = station.Errorf(code, "", "%s %s: %s", c.Request().Method, c.Request().URL.Path, refusal(status))
	case errors.Is(err, context.DeadlineExceeded) || isBusy(err):
		// The database stayed busy past its timeout, or the request ran out of time: nothing was
		// written (the transaction rolled back); the client may simply try again.
		s.Log.Warn("request gave up", "request_id", requestID(c), "path", c.Request().URL.Path, "err", err)
		c.Response().Header().Set(echo.HeaderRetryAfter, "5")
		de = station.Errorf(station.CodeUnavailable, "", "the server is busy; nothing was changed; try again in a few seconds")
		status = http.StatusServiceUnavailable
	default:
		s.metrics.dbErrors.Inc()
		s.Log.Error("request failed", "request_id", requestID(c), "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		de = station.Errorf(station.CodeInternal, "", "the server could not answer this request; it has been logged")
		status = http.StatusInternalServerError
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	title := messages[de.Code]
	if title.Zh == "" {
		title = messages[station.CodeInvalidParameter]
	}
	de = de.In(lang(c))
	p := problem{
		Type:   "urn:yizhan:problem:" + de.Code,
		Title:  localize(c, title),
		Status: status,
		Detail: de.Detail,
		Code:   de.Code,
		Field:  de.Field,
		Row:    de.Row,
	}
	p.RequestID = requestID(c)
	var cf *conflict
	if errors.As(err, &cf) {
		p.Current = stationFeature(cf.current, s.calendar(), s.Now())
		c.Response().Header().Set("ETag", `"`+strconv.FormatInt(cf.current.Version, 10)+`"`)
	}
	body, _ := json.Marshal(p)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/problem+json")
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(status)
	c.Response().Write(body)
}

// codeOfStatus names the refusals that Echo itself makes.
var codeOfStatus = map[int]string{
	http.StatusNotFound:              station.CodeNotFound,
	http.StatusMethodNotAllowed:      codeMethodNotAllowed,
	http.StatusRequestEntityTooLarge: codePayloadTooLarge,
	http.StatusUnsupportedMediaType:  codeUnsupportedMediaType,
}

// messages is the one translation table for text the server shows users: zh-CN first, English second.
var messages = map[string]station.Label{
	station.CodeInvalidParameter:   {Zh: "参数无效", En: "Invalid parameter"},
	station.CodeMissingParameter:   {Zh: "缺少参数", En: "Missing parameter"},
	station.CodeDuplicateParameter: {Zh: "参数重复", En: "Repeated parameter"},
	station.CodeOutOfRange:         {Zh: "参数超出范围", En: "Parameter out of range"},
	station.CodeNotFound:           {Zh: "未找到", En: "Not found"},
	station.CodeInvalidImport:      {Zh: "导入文件有误", En: "Invalid import"},
	station.CodeInvalidNotice:      {Zh: "无法识别的放假通知", En: "Notice not understood"},
	station.CodeUnavailable:        {Zh: "服务暂不可用", En: "Service unavailable"},
	station.CodeStorageUnavailable: {Zh: "数据暂时无法保存", En: "Storage unavailable"},
	station.CodeInternal:           {Zh: "服务器内部错误", En: "Internal server error"},
	codeMethodNotAllowed:           {Zh: "不支持该请求方法", En: "Method not allowed"},
	codePayloadTooLarge:            {Zh: "请求内容过大", En: "Payload too large"},
	codeUnsupportedMediaType:       {Zh: "不支持的内容类型", En: "Unsupported media type"},
	codeRateLimited:                {Zh: "请求过于频繁", En: "Too many requests"},
	auth.CodeUnauthenticated:       {Zh: "未登录或登录已失效", En: "Not signed in"},
	station.CodeForbidden:          {Zh: "无权执行此操作", En: "Forbidden"},
	auth.CodeAlreadyExists:         {Zh: "已存在", En: "Already exists"},
	auth.CodeLastAdmin:             {Zh: "不能停用或降级最后一位管理员", En: "The last admin must stay"},
	auth.CodeNotOperator:           {Zh: "只有运营人员可以分配驿站", En: "Only operators run stations"},
	station.CodeVersionConflict:    {Zh: "数据已被他人修改", En: "Changed by someone else"},
	station.CodePreconditionNeeded: {Zh: "缺少版本号（If-Match）", En: "If-Match required"},
	codeImportRunning:              {Zh: "另一个导入正在进行", En: "Another import is running"},
	codeURITooLong:                 {Zh: "请求地址过长", En: "URI too long"},
	codec.CodeOutsideDistrict:      {Zh: "位置不在所属区县", En: "Outside its district"},
	codePrimaryUnavailable:         {Zh: "主服务器暂时无法连接", En: "Primary unreachable"},
	codec.CodeUnsupportedFileType:  {Zh: "不支持的文件类型", En: "Unsupported file type"},
	codeUploadIncomplete:           {Zh: "文件未传完", En: "Upload incomplete"},
	codeUploadTooSlow:              {Zh: "上传过慢", En: "Upload too slow"},
}

// lang is the language the client reads: Chinese unless Accept-Language prefers English.
func lang(c echo.Context) station.Lang {
	return station.PreferredLang(c.Request().Header.Get("Accept-Language"))
}

// localize picks a label's text in the client's language.
func localize(c echo.Context, l station.Label) string {
	if lang(c) == station.LangEn {
		return l.En
	}
	return l.Zh
}

// refusal says what Echo's own refusals mean.
func refusal(status int) station.Message {
	switch status {
	case http.StatusNotFound:
		return station.Msg("there is nothing at this address")
	case http.StatusMethodNotAllowed:
		return station.Msg("this method is not allowed here")
	case http.StatusRequestEntityTooLarge:
		return station.Msg("the request is too large")
	case http.StatusUnsupportedMediaType:
		return station.Msg("this content type is not accepted")
	}
	return station.Msg("the request was refused")
}

// isBusy reports SQLite's "database is locked" (SQLITE_BUSY, after the busy timeout): a write waited
// for another too long.
func isBusy(err error) bool {
	return strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY")
}
