package api

import "strconv"

// GET /me is what every client calls first and often; like the hottest
// lists its JSON is written by hand (see writeJSON), byte for byte what
// encoding/json writes of Me.

func (m *Me) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"user":`...)
	b, err := m.User.appendJSON(b)
	if err != nil {
		return b, err
	}
	b = append(b, `,"workspace":`...)
	if b, err = m.Workspace.appendJSON(b); err != nil {
		return b, err
	}
	b = append(b, `,"unread_notifications":`...)
	b = strconv.AppendInt(b, int64(m.UnreadNotifications), 10)
	return append(b, '}'), nil
}

func (u *User) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, u.ID)
	b = append(b, `,"email":`...)
	b = appendJSONString(b, u.Email)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, u.Name)
	b = append(b, `,"role":`...)
	b = appendJSONString(b, u.Role)
	b = append(b, `,"active":`...)
	b = appendJSONBool(b, u.Active)
	b = append(b, `,"language":`...)
	b = appendJSONString(b, u.Language)
	b = append(b, `,"email_notifications":`...)
	b = appendJSONBool(b, u.EmailNotifications)
	b = append(b, `,"last_login_at":`...)
	b, err := appendJSONTimePtr(b, u.LastLoginAt)
	if err != nil {
		return b, err
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, u.Version, 10)
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONTime(b, u.CreatedAt); err != nil {
		return b, err
	}
	b = append(b, `,"updated_at":`...)
	if b, err = appendJSONTime(b, u.UpdatedAt); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

func (w *Workspace) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, w.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, w.Name)
	b = append(b, `,"default_currency":`...)
	b = appendJSONString(b, w.DefaultCurrency)
	b = append(b, `,"follow_up_days":`...)
	b = strconv.AppendInt(b, int64(w.FollowUpDays), 10)
	b = append(b, `,"time_zone":`...)
	b = appendJSONString(b, w.TimeZone)
	b = append(b, `,"expire_opportunities":`...)
	b = appendJSONBool(b, w.ExpireOpportunities)
	b = append(b, `,"invoice_number_format":`...)
	b = appendJSONString(b, w.InvoiceNumberFormat)
	b = append(b, `,"payment_terms_days":`...)
	b = strconv.AppendInt(b, int64(w.PaymentTermsDays), 10)
	b = append(b, `,"created_at":`...)
	b, err := appendJSONTime(b, w.CreatedAt)
	if err != nil {
		return b, err
	}
	return append(b, '}'), nil
}
