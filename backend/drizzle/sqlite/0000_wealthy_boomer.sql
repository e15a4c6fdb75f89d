CREATE TABLE `admin_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_sessions_expires_idx` ON `admin_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`is_bootstrap` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_role_idx` ON `api_keys` (`role`);--> statement-breakpoint
CREATE TABLE `connection_events` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`detail` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `connection_events_connection_at_idx` ON `connection_events` (`connection_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`jira_url` text NOT NULL,
	`link_base_url` text,
	`deployment` text NOT NULL,
	`server_version` text,
	`cloud_id` text,
	`auth_type` text NOT NULL,
	`oauth_app` text,
	`client_id` text,
	`client_secret` text,
	`consumer_key` text,
	`private_key` text,
	`public_key` text,
	`username` text,
	`status` text NOT NULL,
	`status_reason` text,
	`require_user_grant_for_writes` integer DEFAULT false NOT NULL,
	`proxy_url` text,
	`proxy_username` text,
	`proxy_password` text,
	`diagnostics` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_name_unique` ON `connections` (`name`);--> statement-breakpoint
CREATE TABLE `grants` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`access_token` text NOT NULL,
	`token_secret` text,
	`refresh_token` text,
	`expires_at` integer,
	`scopes` text,
	`account_id` text,
	`account_display_name` text,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grants_connection_subject_idx` ON `grants` (`connection_id`,`subject`);--> statement-breakpoint
CREATE TABLE `defect_executions` (
	`defect_id` text NOT NULL,
	`execution_id` text NOT NULL,
	`linked_at` integer NOT NULL,
	PRIMARY KEY(`defect_id`, `execution_id`),
	FOREIGN KEY (`defect_id`) REFERENCES `defects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `defect_executions_execution_idx` ON `defect_executions` (`execution_id`);--> statement-breakpoint
CREATE TABLE `defects` (
	`id` text PRIMARY KEY NOT NULL,
	`project_key` text NOT NULL,
	`connection_id` text NOT NULL,
	`test_id` text NOT NULL,
	`run_id` text NOT NULL,
	`execution_id` text NOT NULL,
	`signature` text NOT NULL,
	`open_signature` text,
	`state` text NOT NULL,
	`acting_user` text,
	`acting_account_id` text,
	`jira_api_base_url` text,
	`acting_token` text,
	`summary` text NOT NULL,
	`issue_id` text,
	`issue_key` text,
	`failure_reason` text,
	`linked_issues` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `defects_open_signature_idx` ON `defects` (`project_key`,`open_signature`);--> statement-breakpoint
CREATE INDEX `defects_test_idx` ON `defects` (`test_id`,`state`);--> statement-breakpoint
CREATE TABLE `devops_ci_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`client_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `devops_sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devops_ci_credentials_client_id_unique` ON `devops_ci_credentials` (`client_id`);--> statement-breakpoint
CREATE INDEX `devops_ci_credentials_site_idx` ON `devops_ci_credentials` (`site_id`);--> statement-breakpoint
CREATE TABLE `devops_ci_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`credential_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`credential_id`) REFERENCES `devops_ci_credentials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `devops_ci_tokens_expiry_idx` ON `devops_ci_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `devops_environment_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`position` integer NOT NULL,
	`pattern` text NOT NULL,
	`environment_type` text NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `devops_sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `devops_environment_rules_site_idx` ON `devops_environment_rules` (`site_id`,`position`);--> statement-breakpoint
CREATE TABLE `devops_sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`site_url` text NOT NULL,
	`cloud_id` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret` text NOT NULL,
	`server_base_url` text,
	`logo_url` text,
	`status` text NOT NULL,
	`attention_reason` text,
	`access_token` text,
	`access_token_expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`verified_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devops_sites_cloud_id_unique` ON `devops_sites` (`cloud_id`);--> statement-breakpoint
CREATE TABLE `forge_installations` (
	`id` text PRIMARY KEY NOT NULL,
	`installation_id` text NOT NULL,
	`app_id` text NOT NULL,
	`environment` text,
	`cloud_id` text NOT NULL,
	`site_url` text,
	`api_base_url` text NOT NULL,
	`connection_id` text,
	`installed_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`uninstalled_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `forge_installations_installation_id_unique` ON `forge_installations` (`installation_id`);--> statement-breakpoint
CREATE INDEX `forge_installations_cloud_idx` ON `forge_installations` (`cloud_id`);--> statement-breakpoint
CREATE TABLE `jira_syncs` (
	`kind` text NOT NULL,
	`connection_id` text NOT NULL,
	`issue_id` text NOT NULL,
	`subject` text NOT NULL,
	`version` integer NOT NULL,
	`sent_version` integer DEFAULT 0 NOT NULL,
	`pending_item_id` text,
	`failure_reason` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `connection_id`, `issue_id`, `subject`)
);
--> statement-breakpoint
CREATE INDEX `jira_syncs_subject_idx` ON `jira_syncs` (`kind`,`connection_id`,`subject`);--> statement-breakpoint
CREATE TABLE `project_mappings` (
	`id` text PRIMARY KEY NOT NULL,
	`tool_project_key` text NOT NULL,
	`tool_project_name` text NOT NULL,
	`connection_id` text NOT NULL,
	`jira_project_id` text NOT NULL,
	`jira_project_key` text NOT NULL,
	`create_defects` integer NOT NULL,
	`defect_issue_type_id` text,
	`defect_issue_type_name` text,
	`labels` text NOT NULL,
	`components` text NOT NULL,
	`webhook_mode` text NOT NULL,
	`jira_project_status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `project_mappings_tool_project_key_unique` ON `project_mappings` (`tool_project_key`);--> statement-breakpoint
CREATE INDEX `project_mappings_connection_idx` ON `project_mappings` (`connection_id`);--> statement-breakpoint
CREATE TABLE `oauth_flows` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`started_by` text NOT NULL,
	`state_hash` text NOT NULL,
	`code_verifier` text,
	`request_token` text,
	`oob` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`failure` text,
	`expires_at` integer NOT NULL,
	`verification_hash` text,
	`verification_expires_at` integer,
	`wrong_codes` integer DEFAULT 0 NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`token_expires_at` integer,
	`scopes` text,
	`sites` text,
	`browser_binding_hash` text,
	`browser_verified` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oauth_flows_state_idx` ON `oauth_flows` (`state_hash`);--> statement-breakpoint
CREATE INDEX `oauth_flows_expires_idx` ON `oauth_flows` (`expires_at`);--> statement-breakpoint
CREATE TABLE `oauth_user_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`subject` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_user_links_expires_idx` ON `oauth_user_links` (`expires_at`);--> statement-breakpoint
CREATE TABLE `outbox_holds` (
	`target` text PRIMARY KEY NOT NULL,
	`until` integer,
	`reason` text NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`cause` text DEFAULT 'unavailable' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox_items` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`subject` text,
	`dedupe_key` text,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`verdict` text,
	`explanation` text,
	`detail` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`settled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_items_dedupe_idx` ON `outbox_items` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_items_due_idx` ON `outbox_items` (`status`,`next_attempt_at`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_items_subject_idx` ON `outbox_items` (`target`,`subject`,`created_at`);--> statement-breakpoint
CREATE TABLE `result_executions` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`test_id` text NOT NULL,
	`status` text NOT NULL,
	`flaky` integer NOT NULL,
	`had_failure` integer NOT NULL,
	`attempts` integer NOT NULL,
	`duration_ms` real,
	`message` text,
	`stack` text,
	`signature` text,
	`at` integer NOT NULL,
	`environment` text,
	`fix_version` text,
	FOREIGN KEY (`run_id`) REFERENCES `result_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`test_id`) REFERENCES `result_tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `result_executions_run_test_idx` ON `result_executions` (`run_id`,`test_id`);--> statement-breakpoint
CREATE INDEX `result_executions_test_at_idx` ON `result_executions` (`test_id`,`at`);--> statement-breakpoint
CREATE INDEX `result_executions_test_env_idx` ON `result_executions` (`test_id`,`environment`,`at`);--> statement-breakpoint
CREATE INDEX `result_executions_test_fix_idx` ON `result_executions` (`test_id`,`fix_version`,`at`);--> statement-breakpoint
CREATE INDEX `result_executions_signature_idx` ON `result_executions` (`signature`);--> statement-breakpoint
CREATE INDEX `result_executions_at_idx` ON `result_executions` (`at`);--> statement-breakpoint
CREATE TABLE `result_issue_keys` (
	`connection_id` text NOT NULL,
	`issue_key` text NOT NULL,
	`issue_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `issue_key`)
);
--> statement-breakpoint
CREATE INDEX `result_issue_keys_id_idx` ON `result_issue_keys` (`connection_id`,`issue_id`);--> statement-breakpoint
CREATE TABLE `result_latest` (
	`test_id` text NOT NULL,
	`scope_kind` text NOT NULL,
	`scope_value` text NOT NULL,
	`execution_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`test_id`, `scope_kind`, `scope_value`),
	FOREIGN KEY (`test_id`) REFERENCES `result_tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `result_latest_execution_idx` ON `result_latest` (`execution_id`);--> statement-breakpoint
CREATE TABLE `result_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_key` text NOT NULL,
	`name` text NOT NULL,
	`created_by_kind` text NOT NULL,
	`created_by` text NOT NULL,
	`ci_site_id` text,
	`pipeline_id` text,
	`build_number` integer,
	`build_url` text,
	`build_display_name` text,
	`build_test_info_filled` integer DEFAULT false NOT NULL,
	`environment` text,
	`fix_version` text,
	`revision` text,
	`branch` text,
	`started_at` integer,
	`finished_at` integer,
	`at` integer NOT NULL,
	`files` integer DEFAULT 0 NOT NULL,
	`unknown_issue_keys` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `result_runs_project_idx` ON `result_runs` (`project_key`,`created_at`);--> statement-breakpoint
CREATE INDEX `result_runs_at_idx` ON `result_runs` (`at`);--> statement-breakpoint
CREATE TABLE `result_staged_cases` (
	`upload_id` text NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`upload_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `result_staged_cases_created_idx` ON `result_staged_cases` (`created_at`);--> statement-breakpoint
CREATE TABLE `result_test_links` (
	`test_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`issue_id` text NOT NULL,
	`orphaned_at` integer,
	PRIMARY KEY(`test_id`, `connection_id`, `issue_id`),
	FOREIGN KEY (`test_id`) REFERENCES `result_tests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `result_test_links_issue_idx` ON `result_test_links` (`connection_id`,`issue_id`,`test_id`);--> statement-breakpoint
CREATE TABLE `result_tests` (
	`id` text PRIMARY KEY NOT NULL,
	`project_key` text NOT NULL,
	`identity` text NOT NULL,
	`test_key` text,
	`name` text NOT NULL,
	`classname` text,
	`suite` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `result_tests_identity_idx` ON `result_tests` (`project_key`,`identity`);--> statement-breakpoint
CREATE TABLE `change_events` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`connection_id` text NOT NULL,
	`mapping_ids` text NOT NULL,
	`subject` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `change_events_created_idx` ON `change_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `event_callbacks` (
	`mapping_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`mapping_id`) REFERENCES `project_mappings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `jira_events` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`source` text NOT NULL,
	`delivery_id` text NOT NULL,
	`event_type` text NOT NULL,
	`order_key` text NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`leased_until` integer,
	`last_error` text,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jira_events_delivery_idx` ON `jira_events` (`connection_id`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `jira_events_due_idx` ON `jira_events` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `jira_events_order_idx` ON `jira_events` (`connection_id`,`order_key`,`state`,`id`);--> statement-breakpoint
CREATE TABLE `jira_issue_states` (
	`connection_id` text NOT NULL,
	`issue_id` text NOT NULL,
	`issue_key` text NOT NULL,
	`project_id` text,
	`project_key` text,
	`summary` text,
	`status` text,
	`deleted_at` integer,
	`event_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `issue_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `jira_sync_cursors` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`last_sync_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `jira_versions` (
	`connection_id` text NOT NULL,
	`version_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`released` integer NOT NULL,
	`archived` integer NOT NULL,
	`release_date` text,
	`deleted_at` integer,
	`event_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `version_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jira_versions_project_idx` ON `jira_versions` (`connection_id`,`project_id`);--> statement-breakpoint
CREATE TABLE `jira_webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`mapping_id` text,
	`kind` text NOT NULL,
	`jira_webhook_ids` text NOT NULL,
	`url` text NOT NULL,
	`jql` text NOT NULL,
	`expires_at` integer,
	`refreshed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`mapping_id`) REFERENCES `project_mappings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`leased_until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`mapping_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`nonce` text NOT NULL,
	`issue_key` text NOT NULL,
	`sent_at` integer NOT NULL,
	`received_at` integer,
	`source` text,
	FOREIGN KEY (`mapping_id`) REFERENCES `project_mappings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_checks_nonce_unique` ON `webhook_checks` (`nonce`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`mapping_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`secret` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`mapping_id`) REFERENCES `project_mappings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_endpoints_mapping_id_unique` ON `webhook_endpoints` (`mapping_id`);