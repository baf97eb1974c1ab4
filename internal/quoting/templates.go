package quoting

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// SetupWorkspace gives a new workspace its default template; signup runs it
// in its transaction (see identity.Service.OnWorkspaceCreated).
func (s *Service) SetupWorkspace(ctx context.Context, ws identity.Workspace, _ identity.User) error {
	lang := LangEnglish
	if ws.DefaultCurrency == "SEK" {
		lang = LangSwedish
	}
	t := DefaultTemplate(ws.Name, lang)
	t.CreatedAt, t.UpdatedAt = s.timestamp(), s.timestamp()
	return s.store.CreateTemplate(ctx, t)
}

// Templates lists the workspace's templates.
func (s *Service) Templates(ctx context.Context, req page.Request) (page.Page[Template], error) {
	return s.store.Templates(ctx, req)
}

// Template returns one template without its logo image.
func (s *Service) Template(ctx context.Context, id uuid.UUID) (Template, error) {
	return s.store.Template(ctx, id)
}

// TemplateLogo returns a template's logo (errs.NotFound when it has none).
func (s *Service) TemplateLogo(ctx context.Context, id uuid.UUID) (Logo, error) {
	l, err := s.store.TemplateLogo(ctx, id)
	if err == nil && len(l.Data) == 0 {
		return Logo{}, errs.NotFoundf("the template has no logo")
	}
	return l, err
}

// CreateTemplate adds a template (admins only). Fields the patch leaves nil
// take the defaults: 30 days, English, the default texts of the language.
// A template created as default takes over from the previous default.
func (s *Service) CreateTemplate(ctx context.Context, in TemplatePatch) (Template, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Template{}, err
	}
	lang := LangEnglish
	if in.Language != nil {
		lang = *in.Language
	}
	t := Template{ID: newID(), Texts: DefaultTexts(lang), ValidityDays: DefaultValidityDays, Language: lang, Version: 1}
	in.apply(&t)
	if err := t.Validate(); err != nil {
		return Template{}, err
	}
	t.CreatedAt, t.UpdatedAt = s.timestamp(), s.timestamp()
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if t.IsDefault {
			if err := s.store.ClearDefaultTemplate(ctx); err != nil {
				return err
			}
		}
		return s.store.CreateTemplate(ctx, t)
	})
	return t, err
}

// UpdateTemplate changes a template (admins only). Making it the default
// unsets the previous one; unsetting the default itself is refused (make
// another template the default instead), so a workspace keeps exactly one.
func (s *Service) UpdateTemplate(ctx context.Context, id uuid.UUID, patch TemplatePatch, ifVersion *int64) (Template, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Template{}, err
	}
	var out Template
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.store.LockTemplate(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != t.Version {
			return stale(t.Version)
		}
		wasDefault := t.IsDefault
		patch.apply(&t)
		if wasDefault && !t.IsDefault {
			return errs.Field("is_default", "a workspace needs a default template: make another template the default instead")
		}
		if err := t.Validate(); err != nil {
			return err
		}
		if t.IsDefault && !wasDefault {
			if err := s.store.ClearDefaultTemplate(ctx); err != nil {
				return err
			}
		}
		t.UpdatedAt = s.timestamp()
		out, err = s.store.SaveTemplate(ctx, t)
		return err
	})
	return out, err
}

// SetTemplateLogo replaces a template's logo (admins only): a PNG or JPEG
// image of at most 1 MiB (errs.TooLarge, errs.Invalid otherwise). Quotes
// already made keep the logo of their snapshot.
func (s *Service) SetTemplateLogo(ctx context.Context, id uuid.UUID, data []byte, ifVersion *int64) (Template, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Template{}, err
	}
	mime, err := SniffLogo(data)
	if err != nil {
		return Template{}, err
	}
	return s.changeLogo(ctx, id, Logo{MIME: mime, Data: data}, ifVersion)
}

// DeleteTemplateLogo removes a template's logo (admins only).
func (s *Service) DeleteTemplateLogo(ctx context.Context, id uuid.UUID, ifVersion *int64) (Template, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Template{}, err
	}
	return s.changeLogo(ctx, id, Logo{}, ifVersion)
}

func (s *Service) changeLogo(ctx context.Context, id uuid.UUID, logo Logo, ifVersion *int64) (Template, error) {
	var out Template
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.store.LockTemplate(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != t.Version {
			return stale(t.Version)
		}
		out, err = s.store.SetTemplateLogo(ctx, id, logo, s.timestamp())
		return err
	})
	return out, err
}

// DeleteTemplate removes a template (admins only). The default cannot be
// deleted (errs.Conflict): make another one the default first. Quotes made
// from it keep their snapshots.
func (s *Service) DeleteTemplate(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	if err := identity.RequireAdmin(ctx); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.store.LockTemplate(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != t.Version {
			return stale(t.Version)
		}
		if t.IsDefault {
			return errs.Conflictf("the default template cannot be deleted: make another template the default first")
		}
		return s.store.DeleteTemplate(ctx, id)
	})
}

// stale is the If-Match failure.
func stale(current int64) error {
	return errs.New(errs.PreconditionFailed, "the record was changed by someone else (now at version %d): reload and retry", current)
}

// Profile returns the named template with its logo, or the default one when
// id is nil: the company profile other documents (invoices) are issued
// with. A missing template is errs.Invalid on template_id.
func (s *Service) Profile(ctx context.Context, id *uuid.UUID) (Template, error) {
	return s.templateFor(ctx, id)
}
