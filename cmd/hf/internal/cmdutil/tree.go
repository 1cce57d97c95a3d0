package cmdutil

import (
	"fmt"
	"slices"
	"strings"
)

// TreeItem is one file or folder of a listing drawn by [RenderTree].
type TreeItem struct {
	Path string // "a/b/c.txt", without a trailing "/"
	Dir  bool
	Size string // printed before a file; empty for none
	Date string
}

// RenderTree draws items as a tree, as the Python CLI's --tree does:
// folders and files sorted by name under their folders, "├── " and "└── "
// connectors, and, when any item has a size or date, those in columns
// before the tree (right-aligned sizes). Folders that are only implied by
// a path are drawn too.
func RenderTree(items []TreeItem) []string {
	type node struct {
		children map[string]*node
		item     *TreeItem
		dir      bool
	}
	root := &node{children: map[string]*node{}, dir: true}
	sizeW, dateW := 0, 0
	for i := range items {
		it := &items[i]
		parts := strings.Split(it.Path, "/")
		cur := root
		for _, p := range parts[:len(parts)-1] {
			n := cur.children[p]
			if n == nil {
				n = &node{children: map[string]*node{}, dir: true}
				cur.children[p] = n
			}
			cur = n
		}
		last := parts[len(parts)-1]
		n := cur.children[last]
		if n == nil {
			n = &node{children: map[string]*node{}}
			cur.children[last] = n
		}
		n.dir = n.dir || it.Dir
		if !it.Dir {
			n.item = it
			sizeW, dateW = max(sizeW, len(it.Size)), max(dateW, len(it.Date))
		}
	}
	prefixW := 0
	if sizeW > 0 || dateW > 0 {
		prefixW = sizeW + 2 + dateW
	}
	var lines []string
	var walk func(n *node, indent string)
	walk = func(n *node, indent string) {
		names := make([]string, 0, len(n.children))
		for name := range n.children {
			names = append(names, name)
		}
		slices.Sort(names)
		for i, name := range names {
			c := n.children[name]
			last := i == len(names)-1
			conn, next := "├── ", "│   "
			if last {
				conn, next = "└── ", "    "
			}
			label := name
			if c.dir {
				label += "/"
			}
			line := indent + conn + label
			if prefixW > 0 {
				prefix := strings.Repeat(" ", prefixW)
				if c.item != nil && !c.dir {
					prefix = fmt.Sprintf("%*s  %-*s", sizeW, c.item.Size, dateW, c.item.Date)
				}
				line = prefix + "  " + line
			}
			lines = append(lines, line)
			walk(c, indent+next)
		}
	}
	walk(root, "")
	return lines
}
