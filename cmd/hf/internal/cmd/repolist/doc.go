// Package repolist holds the commands the three repo nouns share:
// `hf models|datasets|spaces ls` (repos on the Hub, or files of one repo) and
// `hf models|datasets|spaces info`, plus the file listing behind `hf repo
// tree`. The nouns' packages wire these with their repo type.
package repolist
