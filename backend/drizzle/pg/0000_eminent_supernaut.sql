CREATE TABLE "admin_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"is_bootstrap" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "connection_events" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"jira_url" text NOT NULL,
	"link_base_url" text,
	"deployment" text NOT NULL,
	"server_version" text,
	"cloud_id" text,
	"auth_type" text NOT NULL,
	"oauth_app" text,
	"client_id" text,
	"client_secret" text,
	"consumer_key" text,
	"private_key" text,
	"public_key" text,
	"username" text,
	"status" text NOT NULL,
	"status_reason" text,
	"require_user_grant_for_writes" boolean DEFAULT false NOT NULL,
	"proxy_url" text,
	"proxy_username" text,
	"proxy_password" text,
	"diagnostics" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "connections_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"access_token" text NOT NULL,
	"token_secret" text,
	"refresh_token" text,
	"expires_at" timestamp with time zone,
	"scopes" text,
	"account_id" text,
	"account_display_name" text,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "defect_executions" (
	"defect_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "defect_executions_defect_id_execution_id_pk" PRIMARY KEY("defect_id","execution_id")
);
--> statement-breakpoint
CREATE TABLE "defects" (
	"id" text PRIMARY KEY NOT NULL,
	"project_key" text NOT NULL,
	"connection_id" text NOT NULL,
	"test_id" text NOT NULL,
	"run_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"signature" text NOT NULL,
	"open_signature" text,
	"state" text NOT NULL,
	"acting_user" text,
	"acting_account_id" text,
	"jira_api_base_url" text,
	"acting_token" text,
	"summary" text NOT NULL,
	"issue_id" text,
	"issue_key" text,
	"failure_reason" text,
	"linked_issues" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devops_ci_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"name" text NOT NULL,
	"client_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "devops_ci_credentials_client_id_unique" UNIQUE("client_id")
);
--> statement-breakpoint
CREATE TABLE "devops_ci_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"credential_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devops_environment_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"position" integer NOT NULL,
	"pattern" text NOT NULL,
	"environment_type" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devops_sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"site_url" text NOT NULL,
	"cloud_id" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text NOT NULL,
	"server_base_url" text,
	"logo_url" text,
	"status" text NOT NULL,
	"attention_reason" text,
	"access_token" text,
	"access_token_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	CONSTRAINT "devops_sites_cloud_id_unique" UNIQUE("cloud_id")
);
--> statement-breakpoint
CREATE TABLE "forge_installations" (
	"id" text PRIMARY KEY NOT NULL,
	"installation_id" text NOT NULL,
	"app_id" text NOT NULL,
	"environment" text,
	"cloud_id" text NOT NULL,
	"site_url" text,
	"api_base_url" text NOT NULL,
	"connection_id" text,
	"installed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"uninstalled_at" timestamp with time zone,
	CONSTRAINT "forge_installations_installation_id_unique" UNIQUE("installation_id")
);
--> statement-breakpoint
CREATE TABLE "jira_syncs" (
	"kind" text NOT NULL,
	"connection_id" text NOT NULL,
	"issue_id" text NOT NULL,
	"subject" text NOT NULL,
	"version" integer NOT NULL,
	"sent_version" integer DEFAULT 0 NOT NULL,
	"pending_item_id" text,
	"failure_reason" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "jira_syncs_kind_connection_id_issue_id_subject_pk" PRIMARY KEY("kind","connection_id","issue_id","subject")
);
--> statement-breakpoint
CREATE TABLE "project_mappings" (
	"id" text PRIMARY KEY NOT NULL,
	"tool_project_key" text NOT NULL,
	"tool_project_name" text NOT NULL,
	"connection_id" text NOT NULL,
	"jira_project_id" text NOT NULL,
	"jira_project_key" text NOT NULL,
	"create_defects" boolean NOT NULL,
	"defect_issue_type_id" text,
	"defect_issue_type_name" text,
	"labels" text NOT NULL,
	"components" text NOT NULL,
	"webhook_mode" text NOT NULL,
	"jira_project_status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "project_mappings_tool_project_key_unique" UNIQUE("tool_project_key")
);
--> statement-breakpoint
CREATE TABLE "oauth_flows" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"started_by" text NOT NULL,
	"state_hash" text NOT NULL,
	"code_verifier" text,
	"request_token" text,
	"oob" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"failure" text,
	"expires_at" timestamp with time zone NOT NULL,
	"verification_hash" text,
	"verification_expires_at" timestamp with time zone,
	"wrong_codes" integer DEFAULT 0 NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"token_expires_at" timestamp with time zone,
	"scopes" text,
	"sites" text,
	"browser_binding_hash" text,
	"browser_verified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_user_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"subject" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox_holds" (
	"target" text PRIMARY KEY NOT NULL,
	"until" timestamp with time zone,
	"reason" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"cause" text DEFAULT 'unavailable' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_items" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"subject" text,
	"dedupe_key" text,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"verdict" text,
	"explanation" text,
	"detail" text,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "result_executions" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"test_id" text NOT NULL,
	"status" text NOT NULL,
	"flaky" boolean NOT NULL,
	"had_failure" boolean NOT NULL,
	"attempts" integer NOT NULL,
	"duration_ms" double precision,
	"message" text,
	"stack" text,
	"signature" text,
	"at" timestamp with time zone NOT NULL,
	"environment" text,
	"fix_version" text
);
--> statement-breakpoint
CREATE TABLE "result_issue_keys" (
	"connection_id" text NOT NULL,
	"issue_key" text NOT NULL,
	"issue_id" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "result_issue_keys_connection_id_issue_key_pk" PRIMARY KEY("connection_id","issue_key")
);
--> statement-breakpoint
CREATE TABLE "result_latest" (
	"test_id" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_value" text NOT NULL,
	"execution_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "result_latest_test_id_scope_kind_scope_value_pk" PRIMARY KEY("test_id","scope_kind","scope_value")
);
--> statement-breakpoint
CREATE TABLE "result_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"project_key" text NOT NULL,
	"name" text NOT NULL,
	"created_by_kind" text NOT NULL,
	"created_by" text NOT NULL,
	"ci_site_id" text,
	"pipeline_id" text,
	"build_number" integer,
	"build_url" text,
	"build_display_name" text,
	"build_test_info_filled" boolean DEFAULT false NOT NULL,
	"environment" text,
	"fix_version" text,
	"revision" text,
	"branch" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"at" timestamp with time zone NOT NULL,
	"files" integer DEFAULT 0 NOT NULL,
	"unknown_issue_keys" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "result_staged_cases" (
	"upload_id" text NOT NULL,
	"seq" integer NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "result_staged_cases_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
CREATE TABLE "result_test_links" (
	"test_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"issue_id" text NOT NULL,
	"orphaned_at" timestamp with time zone,
	CONSTRAINT "result_test_links_test_id_connection_id_issue_id_pk" PRIMARY KEY("test_id","connection_id","issue_id")
);
--> statement-breakpoint
CREATE TABLE "result_tests" (
	"id" text PRIMARY KEY NOT NULL,
	"project_key" text NOT NULL,
	"identity" text NOT NULL,
	"test_key" text,
	"name" text NOT NULL,
	"classname" text,
	"suite" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_events" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"connection_id" text NOT NULL,
	"mapping_ids" text NOT NULL,
	"subject" text NOT NULL,
	"data" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_callbacks" (
	"mapping_id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jira_events" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"source" text NOT NULL,
	"delivery_id" text NOT NULL,
	"event_type" text NOT NULL,
	"order_key" text NOT NULL,
	"payload" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"leased_until" timestamp with time zone,
	"last_error" text,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "jira_issue_states" (
	"connection_id" text NOT NULL,
	"issue_id" text NOT NULL,
	"issue_key" text NOT NULL,
	"project_id" text,
	"project_key" text,
	"summary" text,
	"status" text,
	"deleted_at" timestamp with time zone,
	"event_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "jira_issue_states_connection_id_issue_id_pk" PRIMARY KEY("connection_id","issue_id")
);
--> statement-breakpoint
CREATE TABLE "jira_sync_cursors" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"last_sync_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jira_versions" (
	"connection_id" text NOT NULL,
	"version_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"released" boolean NOT NULL,
	"archived" boolean NOT NULL,
	"release_date" text,
	"deleted_at" timestamp with time zone,
	"event_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "jira_versions_connection_id_version_id_pk" PRIMARY KEY("connection_id","version_id")
);
--> statement-breakpoint
CREATE TABLE "jira_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"mapping_id" text,
	"kind" text NOT NULL,
	"jira_webhook_ids" text NOT NULL,
	"url" text NOT NULL,
	"jql" text NOT NULL,
	"expires_at" timestamp with time zone,
	"refreshed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"leased_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"mapping_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"nonce" text NOT NULL,
	"issue_key" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone,
	"source" text,
	CONSTRAINT "webhook_checks_nonce_unique" UNIQUE("nonce")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"mapping_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"secret" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_endpoints_mapping_id_unique" UNIQUE("mapping_id")
);
--> statement-breakpoint
ALTER TABLE "connection_events" ADD CONSTRAINT "connection_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "defect_executions" ADD CONSTRAINT "defect_executions_defect_id_defects_id_fk" FOREIGN KEY ("defect_id") REFERENCES "public"."defects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devops_ci_credentials" ADD CONSTRAINT "devops_ci_credentials_site_id_devops_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."devops_sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devops_ci_tokens" ADD CONSTRAINT "devops_ci_tokens_credential_id_devops_ci_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."devops_ci_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devops_environment_rules" ADD CONSTRAINT "devops_environment_rules_site_id_devops_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."devops_sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forge_installations" ADD CONSTRAINT "forge_installations_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_mappings" ADD CONSTRAINT "project_mappings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_flows" ADD CONSTRAINT "oauth_flows_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_user_links" ADD CONSTRAINT "oauth_user_links_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_executions" ADD CONSTRAINT "result_executions_run_id_result_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."result_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_executions" ADD CONSTRAINT "result_executions_test_id_result_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."result_tests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_latest" ADD CONSTRAINT "result_latest_test_id_result_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."result_tests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_test_links" ADD CONSTRAINT "result_test_links_test_id_result_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."result_tests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_callbacks" ADD CONSTRAINT "event_callbacks_mapping_id_project_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."project_mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_events" ADD CONSTRAINT "jira_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_issue_states" ADD CONSTRAINT "jira_issue_states_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_sync_cursors" ADD CONSTRAINT "jira_sync_cursors_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_versions" ADD CONSTRAINT "jira_versions_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_webhooks" ADD CONSTRAINT "jira_webhooks_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jira_webhooks" ADD CONSTRAINT "jira_webhooks_mapping_id_project_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."project_mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_checks" ADD CONSTRAINT "webhook_checks_mapping_id_project_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."project_mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_mapping_id_project_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."project_mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_sessions_expires_idx" ON "admin_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "api_keys_role_idx" ON "api_keys" USING btree ("role");--> statement-breakpoint
CREATE INDEX "connection_events_connection_at_idx" ON "connection_events" USING btree ("connection_id","at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "grants_connection_subject_idx" ON "grants" USING btree ("connection_id","subject");--> statement-breakpoint
CREATE INDEX "defect_executions_execution_idx" ON "defect_executions" USING btree ("execution_id");--> statement-breakpoint
CREATE UNIQUE INDEX "defects_open_signature_idx" ON "defects" USING btree ("project_key","open_signature");--> statement-breakpoint
CREATE INDEX "defects_test_idx" ON "defects" USING btree ("test_id","state");--> statement-breakpoint
CREATE INDEX "devops_ci_credentials_site_idx" ON "devops_ci_credentials" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "devops_ci_tokens_expiry_idx" ON "devops_ci_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "devops_environment_rules_site_idx" ON "devops_environment_rules" USING btree ("site_id","position");--> statement-breakpoint
CREATE INDEX "forge_installations_cloud_idx" ON "forge_installations" USING btree ("cloud_id");--> statement-breakpoint
CREATE INDEX "jira_syncs_subject_idx" ON "jira_syncs" USING btree ("kind","connection_id","subject");--> statement-breakpoint
CREATE INDEX "project_mappings_connection_idx" ON "project_mappings" USING btree ("connection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_flows_state_idx" ON "oauth_flows" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "oauth_flows_expires_idx" ON "oauth_flows" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "oauth_user_links_expires_idx" ON "oauth_user_links" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_items_dedupe_idx" ON "outbox_items" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_items_due_idx" ON "outbox_items" USING btree ("status","next_attempt_at","id");--> statement-breakpoint
CREATE INDEX "outbox_items_subject_idx" ON "outbox_items" USING btree ("target","subject","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "result_executions_run_test_idx" ON "result_executions" USING btree ("run_id","test_id");--> statement-breakpoint
CREATE INDEX "result_executions_test_at_idx" ON "result_executions" USING btree ("test_id","at");--> statement-breakpoint
CREATE INDEX "result_executions_test_env_idx" ON "result_executions" USING btree ("test_id","environment","at");--> statement-breakpoint
CREATE INDEX "result_executions_test_fix_idx" ON "result_executions" USING btree ("test_id","fix_version","at");--> statement-breakpoint
CREATE INDEX "result_executions_signature_idx" ON "result_executions" USING btree ("signature");--> statement-breakpoint
CREATE INDEX "result_executions_at_idx" ON "result_executions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "result_issue_keys_id_idx" ON "result_issue_keys" USING btree ("connection_id","issue_id");--> statement-breakpoint
CREATE INDEX "result_latest_execution_idx" ON "result_latest" USING btree ("execution_id");--> statement-breakpoint
CREATE INDEX "result_runs_project_idx" ON "result_runs" USING btree ("project_key","created_at");--> statement-breakpoint
CREATE INDEX "result_runs_at_idx" ON "result_runs" USING btree ("at");--> statement-breakpoint
CREATE INDEX "result_staged_cases_created_idx" ON "result_staged_cases" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "result_test_links_issue_idx" ON "result_test_links" USING btree ("connection_id","issue_id","test_id");--> statement-breakpoint
CREATE UNIQUE INDEX "result_tests_identity_idx" ON "result_tests" USING btree ("project_key","identity");--> statement-breakpoint
CREATE INDEX "change_events_created_idx" ON "change_events" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jira_events_delivery_idx" ON "jira_events" USING btree ("connection_id","delivery_id");--> statement-breakpoint
CREATE INDEX "jira_events_due_idx" ON "jira_events" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "jira_events_order_idx" ON "jira_events" USING btree ("connection_id","order_key","state","id");--> statement-breakpoint
CREATE INDEX "jira_versions_project_idx" ON "jira_versions" USING btree ("connection_id","project_id");