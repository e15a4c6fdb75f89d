/**
 * What each CI tells a job through its documented environment variables. `cli/README.md` has the
 * same table for people; `providers.test.ts` checks that every variable read here is named there.
 */
import { readFileSync } from 'node:fs';

export type Env = Readonly<Record<string, string | undefined>>;

/** What the CI says about the running build; every field may be missing. */
export interface CiFacts {
  pipelineId?: string;
  pipelineName?: string;
  buildNumber?: string;
  displayName?: string;
  url?: string;
  /** As the CI words it (`success`, `Failed`, an exit status …); see `normalizeState`. */
  state?: string;
  branch?: string;
  commit?: string;
  repositoryUrl?: string;
  environment?: string;
  /** An environment type the CI knows (GitLab's deployment tier). */
  environmentType?: string;
  /** `git log` range of the commits since the last build the CI knows about. */
  commitRange?: string;
  /** The head commit's message, when the CI hands it over. */
  commitMessage?: string;
}

export interface CiProvider {
  id: string;
  name: string;
  /** The CI's page listing these variables. */
  docs: string;
  detect(env: Env): boolean;
  read(env: Env): CiFacts;
  /** For the README: field → the variables it comes from (checked by a test). */
  variables: Partial<Record<keyof CiFacts, string>>;
}

const ZERO_SHA = /^0+$/;
const join = (...parts: (string | undefined)[]) =>
  parts.every(Boolean) ? parts.join('') : undefined;
const range = (from: string | undefined, to: string | undefined) =>
  from && to && !ZERO_SHA.test(from) && from !== to ? `${from}..${to}` : undefined;
const exitState = (status: string | undefined) =>
  status === undefined || status === '' ? undefined : status === '0' ? 'success' : 'failed';

/** The `before` commit of a GitHub push event, from the event payload file. */
function githubBefore(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const event = JSON.parse(readFileSync(path, 'utf8')) as { before?: unknown };
    return typeof event.before === 'string' ? event.before : undefined;
  } catch {
    return undefined;
  }
}

export const CI_PROVIDERS: readonly CiProvider[] = [
  {
    id: 'github',
    name: 'GitHub Actions',
    docs: 'https://docs.github.com/en/actions/reference/workflows-and-actions/variables',
    detect: (env) => env.GITHUB_ACTIONS === 'true',
    read: (env) => {
      const repo = join(env.GITHUB_SERVER_URL, '/', env.GITHUB_REPOSITORY);
      return {
        pipelineId: join(env.GITHUB_REPOSITORY, '/', env.GITHUB_WORKFLOW),
        pipelineName: env.GITHUB_WORKFLOW,
        buildNumber: env.GITHUB_RUN_NUMBER,
        url: join(repo, '/actions/runs/', env.GITHUB_RUN_ID),
        branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME,
        commit: env.GITHUB_SHA,
        repositoryUrl: repo,
        commitRange: range(githubBefore(env.GITHUB_EVENT_PATH), env.GITHUB_SHA),
      };
    },
    variables: {
      pipelineId: '`GITHUB_REPOSITORY`/`GITHUB_WORKFLOW`',
      pipelineName: '`GITHUB_WORKFLOW`',
      buildNumber: '`GITHUB_RUN_NUMBER`',
      url: '`GITHUB_SERVER_URL`/`GITHUB_REPOSITORY`/actions/runs/`GITHUB_RUN_ID`',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub's expression syntax, shown as is
      state: '— (pass `--state ${{ job.status }}`)',
      branch: '`GITHUB_HEAD_REF` (pull requests), else `GITHUB_REF_NAME`',
      commit: '`GITHUB_SHA`',
      environment: '— (`--environment`)',
      commitRange: '`before` of the push event in `GITHUB_EVENT_PATH` .. `GITHUB_SHA`',
    },
  },
  {
    id: 'gitlab',
    name: 'GitLab CI',
    docs: 'https://docs.gitlab.com/ci/variables/predefined_variables/',
    detect: (env) => env.GITLAB_CI === 'true',
    read: (env) => ({
      pipelineId: env.CI_PROJECT_PATH,
      pipelineName: env.CI_PROJECT_PATH,
      buildNumber: env.CI_PIPELINE_IID,
      url: env.CI_PIPELINE_URL,
      state: env.CI_JOB_STATUS,
      branch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME,
      commit: env.CI_COMMIT_SHA,
      repositoryUrl: env.CI_PROJECT_URL,
      environment: env.CI_ENVIRONMENT_NAME,
      environmentType: env.CI_ENVIRONMENT_TIER,
      commitRange: range(env.CI_COMMIT_BEFORE_SHA, env.CI_COMMIT_SHA),
      commitMessage: env.CI_COMMIT_MESSAGE,
    }),
    variables: {
      pipelineId: '`CI_PROJECT_PATH`',
      buildNumber: '`CI_PIPELINE_IID`',
      url: '`CI_PIPELINE_URL`',
      state: '`CI_JOB_STATUS` (set in `after_script`)',
      branch: '`CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`, else `CI_COMMIT_REF_NAME`',
      commit: '`CI_COMMIT_SHA`, message `CI_COMMIT_MESSAGE`',
      environment: '`CI_ENVIRONMENT_NAME`, type from `CI_ENVIRONMENT_TIER`',
      commitRange: '`CI_COMMIT_BEFORE_SHA`..`CI_COMMIT_SHA`',
    },
  },
  {
    id: 'circleci',
    name: 'CircleCI',
    docs: 'https://circleci.com/docs/reference/variables/',
    detect: (env) => env.CIRCLECI === 'true',
    read: (env) => ({
      pipelineId: join(env.CIRCLE_PROJECT_USERNAME, '/', env.CIRCLE_PROJECT_REPONAME),
      pipelineName: join(env.CIRCLE_PROJECT_REPONAME, ' ', env.CIRCLE_JOB),
      buildNumber: env.CIRCLE_BUILD_NUM,
      url: env.CIRCLE_BUILD_URL,
      branch: env.CIRCLE_BRANCH,
      commit: env.CIRCLE_SHA1,
      repositoryUrl: env.CIRCLE_REPOSITORY_URL,
    }),
    variables: {
      pipelineId: '`CIRCLE_PROJECT_USERNAME`/`CIRCLE_PROJECT_REPONAME`',
      pipelineName: '`CIRCLE_PROJECT_REPONAME` `CIRCLE_JOB`',
      buildNumber: '`CIRCLE_BUILD_NUM`',
      url: '`CIRCLE_BUILD_URL`',
      state: '— (`--state`)',
      branch: '`CIRCLE_BRANCH`',
      commit: '`CIRCLE_SHA1`',
      environment: '— (`--environment`)',
      commitRange: '— (head commit only)',
    },
  },
  {
    id: 'bitbucket',
    name: 'Bitbucket Pipelines',
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/',
    detect: (env) => Boolean(env.BITBUCKET_BUILD_NUMBER),
    read: (env) => ({
      pipelineId: env.BITBUCKET_REPO_FULL_NAME,
      pipelineName: env.BITBUCKET_REPO_FULL_NAME,
      buildNumber: env.BITBUCKET_BUILD_NUMBER,
      url: join(env.BITBUCKET_GIT_HTTP_ORIGIN, '/pipelines/results/', env.BITBUCKET_BUILD_NUMBER),
      state: exitState(env.BITBUCKET_EXIT_CODE),
      branch: env.BITBUCKET_BRANCH,
      commit: env.BITBUCKET_COMMIT,
      repositoryUrl: env.BITBUCKET_GIT_HTTP_ORIGIN,
      environment: env.BITBUCKET_DEPLOYMENT_ENVIRONMENT,
    }),
    variables: {
      pipelineId: '`BITBUCKET_REPO_FULL_NAME`',
      buildNumber: '`BITBUCKET_BUILD_NUMBER`',
      url: '`BITBUCKET_GIT_HTTP_ORIGIN`/pipelines/results/`BITBUCKET_BUILD_NUMBER`',
      state: '`BITBUCKET_EXIT_CODE` (set in `after-script`: 0 is successful)',
      branch: '`BITBUCKET_BRANCH`',
      commit: '`BITBUCKET_COMMIT`',
      environment: '`BITBUCKET_DEPLOYMENT_ENVIRONMENT`',
      commitRange: '— (head commit only)',
    },
  },
  {
    id: 'azure',
    name: 'Azure Pipelines',
    docs: 'https://learn.microsoft.com/en-us/azure/devops/pipelines/build/variables',
    detect: (env) => env.TF_BUILD?.toLowerCase() === 'true',
    read: (env) => {
      const project = env.SYSTEM_TEAMPROJECT;
      const collection = env.SYSTEM_COLLECTIONURI ?? env.SYSTEM_TEAMFOUNDATIONCOLLECTIONURI;
      const branch = env.SYSTEM_PULLREQUEST_SOURCEBRANCH || env.BUILD_SOURCEBRANCH;
      return {
        pipelineId: join(project, '/', env.BUILD_DEFINITIONNAME),
        pipelineName: env.BUILD_DEFINITIONNAME,
        buildNumber: env.BUILD_BUILDID,
        displayName: join(env.BUILD_DEFINITIONNAME, ' ', env.BUILD_BUILDNUMBER),
        url:
          collection && project && env.BUILD_BUILDID
            ? `${collection.replace(/\/?$/, '/')}${encodeURIComponent(project)}/_build/results?buildId=${env.BUILD_BUILDID}`
            : undefined,
        state: env.AGENT_JOBSTATUS,
        branch: branch?.replace(/^refs\/heads\//, ''),
        commit: env.BUILD_SOURCEVERSION,
        repositoryUrl: env.BUILD_REPOSITORY_URI,
        environment: env.ENVIRONMENT_NAME,
        commitMessage: env.BUILD_SOURCEVERSIONMESSAGE,
      };
    },
    variables: {
      pipelineId: '`SYSTEM_TEAMPROJECT`/`BUILD_DEFINITIONNAME`',
      pipelineName:
        '`BUILD_DEFINITIONNAME` (display name: `BUILD_DEFINITIONNAME` `BUILD_BUILDNUMBER`)',
      buildNumber: '`BUILD_BUILDID` (an integer; `BUILD_BUILDNUMBER` is in the display name)',
      url: '`SYSTEM_COLLECTIONURI``SYSTEM_TEAMPROJECT`/_build/results?buildId=`BUILD_BUILDID`',
      state: '`AGENT_JOBSTATUS`',
      branch:
        '`SYSTEM_PULLREQUEST_SOURCEBRANCH`, else `BUILD_SOURCEBRANCH` (without `refs/heads/`)',
      commit: '`BUILD_SOURCEVERSION`, message `BUILD_SOURCEVERSIONMESSAGE`',
      environment: '`ENVIRONMENT_NAME` (deployment jobs)',
      commitRange: '— (head commit message only)',
    },
  },
  {
    id: 'buildkite',
    name: 'Buildkite',
    docs: 'https://buildkite.com/docs/pipelines/configure/environment-variables',
    detect: (env) => env.BUILDKITE === 'true',
    read: (env) => ({
      pipelineId: join(env.BUILDKITE_ORGANIZATION_SLUG, '/', env.BUILDKITE_PIPELINE_SLUG),
      pipelineName: env.BUILDKITE_PIPELINE_NAME,
      buildNumber: env.BUILDKITE_BUILD_NUMBER,
      url: env.BUILDKITE_BUILD_URL,
      state: exitState(env.BUILDKITE_COMMAND_EXIT_STATUS),
      branch: env.BUILDKITE_BRANCH,
      commit: env.BUILDKITE_COMMIT,
      repositoryUrl: env.BUILDKITE_REPO,
      commitMessage: env.BUILDKITE_MESSAGE,
    }),
    variables: {
      pipelineId: '`BUILDKITE_ORGANIZATION_SLUG`/`BUILDKITE_PIPELINE_SLUG`',
      pipelineName: '`BUILDKITE_PIPELINE_NAME`',
      buildNumber: '`BUILDKITE_BUILD_NUMBER`',
      url: '`BUILDKITE_BUILD_URL`',
      state: '`BUILDKITE_COMMAND_EXIT_STATUS` (post-command hooks: 0 is successful)',
      branch: '`BUILDKITE_BRANCH`',
      commit: '`BUILDKITE_COMMIT`, message `BUILDKITE_MESSAGE`',
      environment: '— (`--environment`)',
      commitRange: '— (head commit message only)',
    },
  },
  {
    id: 'jenkins',
    name: 'Jenkins',
    docs: 'https://www.jenkins.io/doc/book/pipeline/jenkins-file/#using-environment-variables',
    detect: (env) => Boolean(env.JENKINS_URL && env.BUILD_NUMBER),
    read: (env) => ({
      pipelineId: env.JOB_NAME,
      pipelineName: env.JOB_NAME,
      buildNumber: env.BUILD_NUMBER,
      url: env.BUILD_URL,
      branch: env.BRANCH_NAME || env.GIT_BRANCH?.replace(/^(refs\/heads\/|origin\/)/, ''),
      commit: env.GIT_COMMIT,
      repositoryUrl: env.GIT_URL,
      commitRange: range(env.GIT_PREVIOUS_SUCCESSFUL_COMMIT, env.GIT_COMMIT),
    }),
    variables: {
      pipelineId: '`JOB_NAME`',
      buildNumber: '`BUILD_NUMBER`',
      url: '`BUILD_URL`',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Groovy's interpolation, shown as is
      state: '— (pass `--state ${currentBuild.currentResult}`)',
      branch: '`BRANCH_NAME` (multibranch), else `GIT_BRANCH` without `origin/`',
      commit: '`GIT_COMMIT` (Git plugin)',
      environment: '— (`--environment`)',
      commitRange: '`GIT_PREVIOUS_SUCCESSFUL_COMMIT`..`GIT_COMMIT` (Git plugin)',
    },
  },
  {
    id: 'teamcity',
    name: 'TeamCity',
    docs: 'https://www.jetbrains.com/help/teamcity/predefined-build-parameters.html',
    detect: (env) => Boolean(env.TEAMCITY_VERSION),
    read: (env) => ({
      pipelineId: join(env.TEAMCITY_PROJECT_NAME, '/', env.TEAMCITY_BUILDCONF_NAME),
      pipelineName: env.TEAMCITY_BUILDCONF_NAME,
      buildNumber: env.BUILD_NUMBER,
      commit: env.BUILD_VCS_NUMBER,
    }),
    variables: {
      pipelineId: '`TEAMCITY_PROJECT_NAME`/`TEAMCITY_BUILDCONF_NAME`',
      pipelineName: '`TEAMCITY_BUILDCONF_NAME`',
      buildNumber: '`BUILD_NUMBER` (must be an integer; else `--build-number`)',
      url: '— (pass `--url %teamcity.serverUrl%/viewLog.html?buildId=%teamcity.build.id%`)',
      state: '— (`--state`)',
      branch: '— (pass `--branch %teamcity.build.branch%`)',
      commit: '`BUILD_VCS_NUMBER`',
      environment: '— (`--environment`)',
      commitRange: '— (head commit only)',
    },
  },
];

/** The CI this process runs in, by its documented marker variable. */
export function detectCi(env: Env): CiProvider | undefined {
  return CI_PROVIDERS.find((provider) => provider.detect(env));
}
