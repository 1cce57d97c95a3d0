// Package dataset works out the configs, splits and data files of a dataset
// repository exactly as the Python datasets library (load_dataset,
// get_dataset_config_names, get_dataset_split_names) does, from the
// repository's file list, its card metadata and the legacy
// dataset_infos.json — no network, no data read.
//
// The rules, in order:
//
//  1. The card's "configs" (merged with .huggingface.yaml): each config's
//     data_files as a string, a list or a list of {split, path}, relative to
//     its data_dir; a config without data_files has its files inferred under
//     data_dir. The default config is the only one, else the one named
//     "default", else the one marked default: true.
//  2. Without configs, one config named "default" whose files are inferred
//     from file and folder names: data/{split}-NNNNN-of-NNNNN.* shards, *.eval
//     logs, split keywords (train/training, validation/valid/dev/val,
//     test/testing/eval/evaluation) in directory names, then in file names,
//     else everything is train.
//  3. Split names come from dataset_info (card, else dataset_infos.json) when
//     it lists them, else from the data files.
//
// Globs follow fsspec: * and ? never cross "/", ** is a whole path component
// matching any number of them; hidden (".x") and "__x" directories and files
// are skipped unless the pattern names them; README.md, dataset_infos.json
// and the like are never data. Only files with a known data extension are
// kept, and the loader (csv, json, parquet, ...) is chosen by the most common
// extension.
//
// Folder-based loaders (imagefolder, audiofolder, videofolder, meshfolder,
// pdffolder, niftifolder) also keep the metadata.csv, metadata.jsonl and
// metadata.parquet files that a split's patterns match (a name ending in
// one of those); these never decide the loader. As in datasets 3.4 and
// later, no metadata file is added beyond what the patterns match: a
// metadata.csv at the root of a train/ + test/ layout belongs to no split.
// Other loaders drop metadata files whose extension they do not read.
package dataset
