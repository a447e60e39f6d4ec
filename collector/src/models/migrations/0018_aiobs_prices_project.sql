-- Tenancy (issue 11): prices belong to a project. A project's list is its latest revision
-- with its project_id; a project without a list of its own uses the instance's (project_id
-- '': the defaults and --prices-file), so existing rows keep pricing every project.
ALTER TABLE {{db}}.aiobs_prices {{on_cluster}}
    ADD COLUMN IF NOT EXISTS project_id String DEFAULT '' AFTER revision;
