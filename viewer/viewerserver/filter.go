package viewerserver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

// The /filter "where" language: comparisons joined by AND and OR (AND
// binds tighter), in parentheses or not, as the viewer's SQL subset:
//
//	"Age" >= 30 AND ("Sex" = 'female' OR name LIKE 'A%') AND x IS NOT NULL
//
// Columns are bare or double-quoted; literals are 'strings' (” escapes a
// quote), numbers, true, false. Operators: = == != <> < <= > >= LIKE, ILIKE,
// IS NULL, IS NOT NULL.

type cond interface{ eval(rows.Row) bool }

type andCond []cond
type orCond []cond
type cmpCond struct {
	col, op string
	lit     any
}

func (c andCond) eval(r rows.Row) bool {
	for _, x := range c {
		if !x.eval(r) {
			return false
		}
	}
	return true
}

func (c orCond) eval(r rows.Row) bool {
	for _, x := range c {
		if x.eval(r) {
			return true
		}
	}
	return false
}

func (c cmpCond) eval(r rows.Row) bool {
	v, _ := r.Get(c.col)
	switch c.op {
	case "IS NULL":
		return v == nil
	case "IS NOT NULL":
		return v != nil
	}
	if v == nil {
		return false
	}
	if c.op == "LIKE" || c.op == "ILIKE" {
		s, ok := v.(string)
		p, _ := c.lit.(string)
		if !ok {
			return false
		}
		if c.op == "ILIKE" {
			s, p = strings.ToLower(s), strings.ToLower(p)
		}
		return like(s, p)
	}
	k, ok := compare(v, c.lit)
	if !ok {
		return c.op == "!=" || c.op == "<>"
	}
	switch c.op {
	case "=", "==":
		return k == 0
	case "!=", "<>":
		return k != 0
	case "<":
		return k < 0
	case "<=":
		return k <= 0
	case ">":
		return k > 0
	case ">=":
		return k >= 0
	}
	return false
}

// compare orders a cell against a literal of a comparable kind.
func compare(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case float64:
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float32:
			f = float64(x)
		case float64:
			f = x
		default:
			return 0, false
		}
		switch {
		case f < l:
			return -1, true
		case f > l:
			return 1, true
		}
		return 0, true
	case string:
		switch x := v.(type) {
		case string:
			return strings.Compare(x, l), true
		case time.Time:
			t, err := time.Parse(time.RFC3339Nano, l)
			if err != nil {
				if t, err = time.Parse(time.DateOnly, l); err != nil {
					return 0, false
				}
			}
			return x.Compare(t), true
		}
	case bool:
		if x, ok := v.(bool); ok {
			switch {
			case x == l:
				return 0, true
			case !x:
				return -1, true
			}
			return 1, true
		}
	}
	return 0, false
}

// like matches SQL LIKE patterns: % any run, _ one character.
func like(s, p string) bool {
	sr, pr := []rune(s), []rune(p)
	var m func(i, j int) bool
	m = func(i, j int) bool {
		for j < len(pr) {
			switch pr[j] {
			case '%':
				for k := i; k <= len(sr); k++ {
					if m(k, j+1) {
						return true
					}
				}
				return false
			case '_':
				if i >= len(sr) {
					return false
				}
			default:
				if i >= len(sr) || sr[i] != pr[j] {
					return false
				}
			}
			i++
			j++
		}
		return i == len(sr)
	}
	return m(0, 0)
}

type token struct {
	kind string // ident, string, number, op, (, ), word
	text string
}

func tokenize(s string) ([]token, error) {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')':
			out = append(out, token{string(c), string(c)})
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs); j++ {
				if rs[j] == c {
					if j+1 < len(rs) && rs[j+1] == c {
						b.WriteRune(c)
						j++
						continue
					}
					break
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated %c at position %d", c, i)
			}
			kind := "string"
			if c == '"' {
				kind = "ident"
			}
			out = append(out, token{kind, b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>", c):
			j := i + 1
			if j < len(rs) && strings.ContainsRune("=>", rs[j]) {
				j++
			}
			out = append(out, token{"op", string(rs[i:j])})
			i = j
		case c == '-' || c == '.' || unicode.IsDigit(c):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || strings.ContainsRune(".eE+-", rs[j])) {
				j++
			}
			out = append(out, token{"number", string(rs[i:j])})
			i = j
		case unicode.IsLetter(c) || c == '_':
			j := i + 1
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_') {
				j++
			}
			out = append(out, token{"word", string(rs[i:j])})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at position %d", c, i)
		}
	}
	return out, nil
}

type parser struct {
	toks    []token
	i       int
	columns []string
}

// parseWhere parses a where clause against the split's columns.
func parseWhere(s string, columns []string) (cond, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, columns: columns}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i].text)
	}
	return c, nil
}

func (p *parser) peekWord(w string) bool {
	return p.i < len(p.toks) && p.toks[p.i].kind == "word" && strings.EqualFold(p.toks[p.i].text, w)
}

func (p *parser) or() (cond, error) {
	var out orCond
	for {
		c, err := p.and()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if !p.peekWord("OR") {
			break
		}
		p.i++
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *parser) and() (cond, error) {
	var out andCond
	for {
		c, err := p.primary()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if !p.peekWord("AND") {
			break
		}
		p.i++
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *parser) next() (token, error) {
	if p.i >= len(p.toks) {
		return token{}, fmt.Errorf("the condition ends too early")
	}
	t := p.toks[p.i]
	p.i++
	return t, nil
}

func (p *parser) primary() (cond, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.kind == "(" {
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		if t, err := p.next(); err != nil || t.kind != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return c, nil
	}
	if t.kind != "ident" && t.kind != "word" {
		return nil, fmt.Errorf("expected a column name, got %q", t.text)
	}
	if !slices.Contains(p.columns, t.text) {
		return nil, fmt.Errorf("no column %q (columns: %s)", t.text, strings.Join(p.columns, ", "))
	}
	c := cmpCond{col: t.text}
	op, err := p.next()
	if err != nil {
		return nil, err
	}
	switch {
	case op.kind == "op":
		c.op = op.text
	case op.kind == "word" && (strings.EqualFold(op.text, "LIKE") || strings.EqualFold(op.text, "ILIKE")):
		c.op = strings.ToUpper(op.text)
	case op.kind == "word" && strings.EqualFold(op.text, "IS"):
		c.op = "IS NULL"
		if p.peekWord("NOT") {
			p.i++
			c.op = "IS NOT NULL"
		}
		if !p.peekWord("NULL") {
			return nil, fmt.Errorf("expected NULL after IS")
		}
		p.i++
		return c, nil
	default:
		return nil, fmt.Errorf("expected an operator after %q, got %q", c.col, op.text)
	}
	lit, err := p.next()
	if err != nil {
		return nil, err
	}
	switch {
	case lit.kind == "string":
		c.lit = lit.text
	case lit.kind == "number":
		f, err := strconv.ParseFloat(lit.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", lit.text)
		}
		c.lit = f
	case lit.kind == "word" && (strings.EqualFold(lit.text, "true") || strings.EqualFold(lit.text, "false")):
		c.lit = strings.EqualFold(lit.text, "true")
	default:
		return nil, fmt.Errorf("expected a value after %s %s, got %q", c.col, c.op, lit.text)
	}
	return c, nil
}

// orderBy is a parsed orderby parameter: column [ASC|DESC].
type orderBy struct {
	col  string
	desc bool
}

func parseOrderBy(s string, columns []string) (*orderBy, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 || len(toks) > 2 || (toks[0].kind != "ident" && toks[0].kind != "word") {
		return nil, fmt.Errorf("orderby takes a column and ASC or DESC")
	}
	o := &orderBy{col: toks[0].text}
	if !slices.Contains(columns, o.col) {
		return nil, fmt.Errorf("no column %q (columns: %s)", o.col, strings.Join(columns, ", "))
	}
	if len(toks) == 2 {
		switch strings.ToUpper(toks[1].text) {
		case "ASC":
		case "DESC":
			o.desc = true
		default:
			return nil, fmt.Errorf("orderby direction %q: use ASC or DESC", toks[1].text)
		}
	}
	return o, nil
}

// less orders two cells, nulls last.
func lessCells(a, b any) bool {
	if a == nil || b == nil {
		return a != nil
	}
	if k, ok := compare(a, litOf(b)); ok {
		return k < 0
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

func litOf(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return v
}
