package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"golang.org/x/tools/go/packages"
)

// facts is what specgen reads from the Go source of the api package: the
// fields of every schema's Go type and what every handler does to its
// response, so that the document follows the code instead of being copied
// from it by hand.
type facts struct {
	schemas  map[string]map[string]field // schema name → JSON name → field
	handlers map[string]*handler         // "PATCH /api/v1/x/{id}" → handler
}

// field is one JSON property of a Go struct.
type field struct {
	goName    string
	omitempty bool
	pointer   bool // *T: null when nil unless omitempty
	optional  bool // Optional[T]: a PATCH field where null clears
	kind      string
	elemKind  string // kind of a slice's elements
	integer   bool
	bits64    bool // int64 or uint64
	email     bool // validate:"email"
}

// Kinds of Go types that map to a string format.
const (
	kindUUID     = "uuid"
	kindDateTime = "date-time"
	kindDate     = "date"
)

// handler is what a handler (with the functions it calls in package api)
// does to its successful responses.
type handler struct {
	name    string
	ok      bool            // answers 200 through ok() or okJSON(): ETag
	created bool            // answers 201 through created(): ETag and Location
	ifMatch bool            // reads If-Match
	headers map[string]bool // headers it sets by name on its 2xx responses
}

// headersThatMatter are the response headers a handler may set by hand
// that clients rely on; specgen declares them where the code sets them.
var headersThatMatter = map[string]bool{"ETag": true, "Location": true, "Content-Disposition": true}

var (
	nameComment = regexp.MustCompile(`@name\s+(\S+)`)
	routerLine  = regexp.MustCompile(`@Router\s+(\S+)\s+\[(\w+)\]`)
)

// load type-checks the package in dir and collects its facts.
func load(dir string) (*facts, error) {
	cfg := &packages.Config{Dir: dir, Tests: false,
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("load %s: %v", dir, pkgs[0].Errors)
	}
	p := pkgs[0]
	f := &facts{schemas: map[string]map[string]field{}, handlers: map[string]*handler{}}
	for _, file := range p.Syntax {
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				st, ok := p.TypesInfo.Defs[ts.Name].Type().Underlying().(*types.Struct)
				if !ok {
					continue
				}
				name := "api." + ts.Name.Name
				if ts.Comment != nil {
					if m := nameComment.FindStringSubmatch(ts.Comment.Text()); m != nil {
						name = m[1]
					}
				}
				f.schemas[name] = structFields(st, map[string]field{})
			}
		}
	}
	f.handlers = handlers(p)
	return f, nil
}

// structFields lists a struct's JSON properties, flattening embedded
// structs as encoding/json (and swag) do.
func structFields(st *types.Struct, out map[string]field) map[string]field {
	for i := 0; i < st.NumFields(); i++ {
		v := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		name, opts, _ := strings.Cut(tag.Get("json"), ",")
		if name == "-" || !v.Exported() {
			continue
		}
		if v.Embedded() && name == "" {
			if inner, ok := v.Type().Underlying().(*types.Struct); ok {
				structFields(inner, out)
				continue
			}
		}
		if name == "" {
			name = v.Name()
		}
		fd := field{goName: v.Name(), omitempty: strings.Contains(","+opts+",", ",omitempty,"),
			email: strings.Contains(","+tag.Get("validate")+",", ",email,")}
		t := types.Unalias(v.Type())
		if p, ok := t.(*types.Pointer); ok {
			fd.pointer, t = true, types.Unalias(p.Elem())
		}
		if n, ok := t.(*types.Named); ok && n.Obj().Name() == "Optional" && n.TypeArgs().Len() == 1 {
			fd.optional, t = true, types.Unalias(n.TypeArgs().At(0))
		}
		fd.kind = kindOf(t)
		if s, ok := t.Underlying().(*types.Slice); ok {
			fd.elemKind = kindOf(s.Elem())
		}
		if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
			fd.integer = true
			fd.bits64 = b.Kind() == types.Int64 || b.Kind() == types.Uint64
		}
		out[name] = fd
	}
	return out
}

func kindOf(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	switch n.Obj().Pkg().Path() + "." + n.Obj().Name() {
	case "github.com/google/uuid.UUID":
		return kindUUID
	case "time.Time":
		return kindDateTime
	case "github.com/acme/crm/api.Date":
		return kindDate
	}
	return ""
}

// handlers maps every operation (from the swag @Router lines) to what its
// handler does, following calls within the package.
func handlers(p *packages.Package) map[string]*handler {
	type node struct {
		h     handler
		calls []*types.Func
	}
	nodes := map[*types.Func]*node{}
	routes := map[string]*types.Func{}
	scope := p.Types.Scope()
	for _, file := range p.Syntax {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn := p.TypesInfo.Defs[fd.Name].(*types.Func)
			n := &node{h: handler{name: fd.Name.Name, headers: map[string]bool{}}}
			nodes[fn] = n
			if fd.Doc != nil {
				for _, m := range routerLine.FindAllStringSubmatch(fd.Doc.Text(), -1) {
					routes[strings.ToUpper(m[2])+" "+m[1]] = fn
				}
			}
			ast.Inspect(fd.Body, func(x ast.Node) bool {
				call, ok := x.(*ast.CallExpr)
				if !ok {
					return true
				}
				if h := headerSet(p.TypesInfo, call); h != "" {
					n.h.headers[h] = true
				}
				callee := calledFunc(p.TypesInfo, call)
				if callee == nil || callee.Pkg() != p.Types {
					return true
				}
				if callee.Parent() == scope { // package-level functions
					switch callee.Name() {
					case "ok", "okJSON":
						n.h.ok = true
						return true
					case "created":
						n.h.created = true
						return true
					case "ifMatch":
						n.h.ifMatch = true
						return true
					}
				}
				n.calls = append(n.calls, callee)
				return true
			})
		}
	}
	var visit func(fn *types.Func, seen map[*types.Func]bool, into *handler)
	visit = func(fn *types.Func, seen map[*types.Func]bool, into *handler) {
		n := nodes[fn]
		if n == nil || seen[fn] {
			return
		}
		seen[fn] = true
		into.ok, into.created, into.ifMatch = into.ok || n.h.ok, into.created || n.h.created, into.ifMatch || n.h.ifMatch
		for h := range n.h.headers {
			into.headers[h] = true
		}
		for _, c := range n.calls {
			visit(c, seen, into)
		}
	}
	out := map[string]*handler{}
	for route, fn := range routes {
		h := &handler{name: fn.Name(), headers: map[string]bool{}}
		visit(fn, map[*types.Func]bool{}, h)
		out[route] = h
	}
	return out
}

// headerSet returns the canonical name of a header that matters when call
// is x.Set(name, v) or x.Add(name, v) with a constant name.
func headerSet(info *types.Info, call *ast.CallExpr) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || (sel.Sel.Name != "Set" && sel.Sel.Name != "Add") || len(call.Args) != 2 {
		return ""
	}
	tv, ok := info.Types[call.Args[0]]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return ""
	}
	name := http.CanonicalHeaderKey(constant.StringVal(tv.Value))
	if name == "Etag" {
		name = "ETag"
	}
	if !headersThatMatter[name] {
		return ""
	}
	return name
}

func calledFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := call.Fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // generic instantiation
		if i, ok := f.X.(*ast.Ident); ok {
			id = i
		}
	}
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	if fn != nil {
		fn = fn.Origin()
	}
	return fn
}
