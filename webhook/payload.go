// Package webhook receives the Hugging Face Hub's webhooks in Go services:
// [Handler] is an http.Handler that checks the X-Webhook-Secret header,
// decodes the JSON payload into a [Payload] and hands it to a callback.
//
//	http.Handle("/hook", webhook.NewHandler(os.Getenv("WEBHOOK_SECRET"), func(ctx context.Context, p *webhook.Payload) error {
//		if p.IsRepoContentUpdate() {
//			log.Printf("%s %s was pushed to: %v", p.Repo.Type, p.Repo.Name, p.UpdatedRefs)
//		}
//		return nil
//	}))
//
// The payload types follow the Hub's webhook format version 3 (the same
// shape `hf serve` sends); the package imports nothing else of hfhub.
package webhook

// Event actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionMove   = "move"
)

// Event scopes.
const (
	ScopeRepo              = "repo"
	ScopeRepoContent       = "repo.content"
	ScopeRepoConfig        = "repo.config"
	ScopeDiscussion        = "discussion"
	ScopeDiscussionComment = "discussion.comment"
)

// Payload is one webhook delivery.
type Payload struct {
	Event       Event        `json:"event"`
	Repo        Repo         `json:"repo"`
	Discussion  *Discussion  `json:"discussion,omitempty"`
	Comment     *Comment     `json:"comment,omitempty"`
	Webhook     WebhookRef   `json:"webhook"`
	MovedTo     *MovedTo     `json:"movedTo,omitempty"`
	UpdatedRefs []UpdatedRef `json:"updatedRefs,omitempty"`
}

// Event says what happened: Action on Scope.
type Event struct {
	Action string `json:"action"` // create, update, delete, move
	Scope  string `json:"scope"`  // repo, repo.content, repo.config, discussion, discussion.comment
}

// ObjectID is a reference by id.
type ObjectID struct {
	ID string `json:"id"`
}

// URL holds the web page and API URL of an object.
type URL struct {
	Web string `json:"web"`
	API string `json:"api,omitempty"`
}

// Repo is the repository the event happened in.
type Repo struct {
	ID      string   `json:"id"`
	Owner   ObjectID `json:"owner"`
	HeadSHA string   `json:"headSha,omitempty"`
	Name    string   `json:"name"` // "namespace/name"
	Private bool     `json:"private"`
	Type    string   `json:"type"` // model, dataset, space
	URL     URL      `json:"url"`
	Tags    []string `json:"tags,omitempty"`
}

// Discussion is the discussion or pull request of a discussion event.
type Discussion struct {
	ID            string             `json:"id"`
	Num           int                `json:"num"`
	Author        ObjectID           `json:"author"`
	URL           URL                `json:"url"`
	Title         string             `json:"title"`
	IsPullRequest bool               `json:"isPullRequest"`
	Status        string             `json:"status"` // open, closed, merged, draft
	Changes       *DiscussionChanges `json:"changes,omitempty"`
	Pinned        bool               `json:"pinned,omitempty"`
}

// DiscussionChanges describe a pull request's target and merge.
type DiscussionChanges struct {
	Base          string `json:"base"`
	MergeCommitID string `json:"mergeCommitId,omitempty"`
}

// Comment is the comment of a discussion.comment event.
type Comment struct {
	ID      string   `json:"id"`
	Author  ObjectID `json:"author"`
	Hidden  bool     `json:"hidden"`
	Content string   `json:"content,omitempty"`
	URL     URL      `json:"url"`
}

// WebhookRef names the webhook that fired.
type WebhookRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// MovedTo is where a moved repository went.
type MovedTo struct {
	Name  string   `json:"name"`
	Owner ObjectID `json:"owner"`
}

// UpdatedRef is a ref a push moved; OldSHA is empty for a new ref, NewSHA
// for a deleted one.
type UpdatedRef struct {
	Ref    string `json:"ref"`
	OldSHA string `json:"oldSha,omitempty"`
	NewSHA string `json:"newSha,omitempty"`
}

// IsRepoContentUpdate reports a push (commits to a branch, tag or pull request).
func (p *Payload) IsRepoContentUpdate() bool {
	return p.Event.Scope == ScopeRepoContent && p.Event.Action == ActionUpdate
}

// IsDiscussion reports an event on a discussion or pull request itself
// (opened, renamed, closed, merged...).
func (p *Payload) IsDiscussion() bool { return p.Event.Scope == ScopeDiscussion }

// IsComment reports a new or changed comment.
func (p *Payload) IsComment() bool { return p.Event.Scope == ScopeDiscussionComment }

// IsPullRequestMerged reports a pull request being merged.
func (p *Payload) IsPullRequestMerged() bool {
	return p.IsDiscussion() && p.Discussion != nil && p.Discussion.IsPullRequest && p.Discussion.Status == "merged"
}
