package dataset

import "errors"

var (
	// ErrEmptyDataset reports a repository (or data_dir) without any file
	// that could be data.
	ErrEmptyDataset = errors.New("dataset has no data files")
	// ErrNoSupportedFiles reports data files of which none has a format the
	// datasets library can load.
	ErrNoSupportedFiles = errors.New("no supported data files found")
	// ErrInvalidMetadata reports card metadata the datasets library refuses:
	// malformed configs, data_files, split names or several defaults.
	ErrInvalidMetadata = errors.New("invalid dataset card metadata")
	// ErrConfigNotFound reports a config name the dataset does not have.
	ErrConfigNotFound = errors.New("dataset config not found")
	// ErrSplitNotFound reports a split name the config does not have.
	ErrSplitNotFound = errors.New("dataset split not found")
	// ErrFileNotFound reports a data_files entry without wildcards that
	// matches no file.
	ErrFileNotFound = errors.New("data file not found")
	// ErrNoDefaultConfig reports a dataset with several configs, none of
	// them the default, when no config was named.
	ErrNoDefaultConfig = errors.New("dataset has several configs and no default: name one")
)
