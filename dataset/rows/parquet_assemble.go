package rows

import (
	"fmt"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// A pnode is a compiled schema node: how to rebuild one cell of a nested
// column from the flat, levelled values of its leaf columns (the Dremel
// record assembly).
type pnode struct {
	name     string
	kind     int // leafNode, structNode, listNode or mapNode
	optional bool
	first, n int // leaf columns [first, first+n) in the row
	conv     leafFunc
	children []*pnode // struct fields; list: [element]; map: [key, value]
}

const (
	leafNode = iota
	structNode
	listNode
	mapNode
)

// compile builds the pnode of n, whose first leaf is column first.
func compile(name string, n parquet.Node, first int) *pnode {
	p := &pnode{name: name, first: first, optional: n.Optional()}
	if n.Repeated() {
		// A bare repeated field: a required list of its required self.
		p.kind, p.optional = listNode, false
		elem := compileRequired(name, n, first)
		p.children, p.n = []*pnode{elem}, elem.n
		return p
	}
	if n.Leaf() {
		p.kind, p.n, p.conv = leafNode, 1, leafConverter(n)
		return p
	}
	fields := n.Fields()
	switch logical(n).(type) {
	case *format.ListType:
		if len(fields) == 1 && fields[0].Repeated() {
			rep := fields[0]
			var elem *pnode
			if !rep.Leaf() && len(rep.Fields()) == 1 && rep.Name() != "array" && rep.Name() != name+"_tuple" {
				elem = compile("element", rep.Fields()[0], first) // three-level list
			} else {
				elem = compileRequired("element", rep, first) // legacy two-level list
			}
			p.kind, p.children, p.n = listNode, []*pnode{elem}, elem.n
			return p
		}
	case *format.MapType:
		if len(fields) == 1 && fields[0].Repeated() && !fields[0].Leaf() && len(fields[0].Fields()) == 2 {
			kv := fields[0].Fields()
			key := compile("key", kv[0], first)
			val := compile("value", kv[1], first+key.n)
			p.kind, p.children, p.n = mapNode, []*pnode{key, val}, key.n+val.n
			return p
		}
	}
	p.kind = structNode
	next := first
	for _, f := range fields {
		c := compile(f.Name(), f, next)
		p.children = append(p.children, c)
		next += c.n
	}
	p.n = next - first
	return p
}

// compileRequired compiles a repeated node as one required element.
func compileRequired(name string, n parquet.Node, first int) *pnode {
	return compile(name, parquet.Required(n), first)
}

// assembler reads the cells of one row from its leaf columns' values.
type assembler struct {
	cols [][]parquet.Value
	pos  []int
}

func (a *assembler) reset(cols [][]parquet.Value) {
	a.cols = cols
	if cap(a.pos) < len(cols) {
		a.pos = make([]int, len(cols))
	}
	a.pos = a.pos[:len(cols)]
	clear(a.pos)
}

func (a *assembler) peek(p *pnode) (parquet.Value, error) {
	c := a.cols[p.first]
	if a.pos[p.first] >= len(c) {
		return parquet.Value{}, fmt.Errorf("column %s: fewer values than its levels promise", p.name)
	}
	return c[a.pos[p.first]], nil
}

// skip consumes the one value each leaf of p has for a null or empty cell.
func (a *assembler) skip(p *pnode) {
	for i := p.first; i < p.first+p.n; i++ {
		a.pos[i]++
	}
}

// continues reports whether the list of p at repetition depth rep has
// another element.
func (a *assembler) continues(p *pnode, rep int) bool {
	c := a.cols[p.first]
	i := a.pos[p.first]
	return i < len(c) && c[i].RepetitionLevel() == rep
}

// read assembles one cell of p, whose ancestors account for definition
// level def and repetition depth rep.
func (a *assembler) read(p *pnode, def, rep int) (any, error) {
	if p.optional {
		def++
		v, err := a.peek(p)
		if err != nil {
			return nil, err
		}
		if v.DefinitionLevel() < def {
			a.skip(p)
			return nil, nil
		}
	}
	switch p.kind {
	case leafNode:
		v, err := a.peek(p)
		if err != nil {
			return nil, err
		}
		a.pos[p.first]++
		if v.IsNull() {
			return nil, nil
		}
		return p.conv(v), nil
	case structNode:
		m := make(map[string]any, len(p.children))
		for _, c := range p.children {
			v, err := a.read(c, def, rep)
			if err != nil {
				return nil, err
			}
			m[c.name] = v
		}
		return m, nil
	}
	// list or map: the repeated layer adds a definition and a repetition level.
	def++
	rep++
	v, err := a.peek(p)
	if err != nil {
		return nil, err
	}
	if v.DefinitionLevel() < def {
		a.skip(p)
		if p.kind == mapNode {
			return map[string]any{}, nil
		}
		return []any{}, nil
	}
	if p.kind == listNode {
		var out []any
		for {
			e, err := a.read(p.children[0], def, rep)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			if !a.continues(p, rep) {
				return out, nil
			}
		}
	}
	out := map[string]any{}
	for {
		k, err := a.read(p.children[0], def, rep)
		if err != nil {
			return nil, err
		}
		e, err := a.read(p.children[1], def, rep)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			ks = fmt.Sprint(k)
		}
		out[ks] = e
		if !a.continues(p, rep) {
			return out, nil
		}
	}
}
