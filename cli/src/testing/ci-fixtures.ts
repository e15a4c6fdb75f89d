/**
 * One job environment per CI, with the variables each CI documents (see the table in
 * cli/README.md), and what the CLI should make of them. `head`/`before` are commits of the
 * test's git repository, so the commit-range rules run against real `git log`.
 */
export interface CiFixture {
  ci: string;
  env: Record<string, string>;
  /** Files the fixture needs (GitHub's event payload), relative to the job's directory. */
  files?: Record<string, string>;
  /** Flags the CI cannot fill (e.g. the state where the CI does not expose it). */
  flags: string[];
  expected: {
    pipelineId: string;
    buildNumber: number;
    displayName: string;
    url: string;
    branch: string;
    /** Keys found in the commits the CI names (a range, or only the head commit). */
    commitKeys: string[];
  };
}

/** The keys of the test repository's commits: TB-2 (before), TB-3 + TB-4, TB-5 (head). */
export const COMMITS = ['TB-2 first change', 'Fix TB-3 and [TB-4] together', 'TB-5: latest'];
const RANGE_KEYS = ['TB-3', 'TB-4', 'TB-5'];
const HEAD_KEYS = ['TB-5'];

export function ciFixtures(shas: string[], eventPath: string): CiFixture[] {
  const [before, , head] = shas as [string, string, string];
  return [
    {
      ci: 'GitHub Actions',
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/web',
        GITHUB_WORKFLOW: 'CI',
        GITHUB_RUN_ID: '9876543210',
        GITHUB_RUN_NUMBER: '101',
        GITHUB_REF_NAME: 'feature/TB-1-login',
        GITHUB_SHA: head,
        GITHUB_EVENT_PATH: eventPath,
      },
      files: { [eventPath]: JSON.stringify({ before, after: head }) },
      flags: ['--state', 'success'],
      expected: {
        pipelineId: 'acme/web/CI',
        buildNumber: 101,
        displayName: 'CI #101',
        url: 'https://github.com/acme/web/actions/runs/9876543210',
        branch: 'feature/TB-1-login',
        commitKeys: RANGE_KEYS,
      },
    },
    {
      ci: 'GitLab CI',
      env: {
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'acme/api',
        CI_PROJECT_URL: 'https://gitlab.com/acme/api',
        CI_PIPELINE_IID: '202',
        CI_PIPELINE_URL: 'https://gitlab.com/acme/api/-/pipelines/555',
        CI_JOB_STATUS: 'failed',
        CI_COMMIT_REF_NAME: 'TB-1-login',
        CI_COMMIT_SHA: head,
        CI_COMMIT_BEFORE_SHA: before,
        CI_COMMIT_MESSAGE: COMMITS[2] ?? '',
      },
      flags: [],
      expected: {
        pipelineId: 'acme/api',
        buildNumber: 202,
        displayName: 'acme/api #202',
        url: 'https://gitlab.com/acme/api/-/pipelines/555',
        branch: 'TB-1-login',
        commitKeys: RANGE_KEYS,
      },
    },
    {
      ci: 'CircleCI',
      env: {
        CIRCLECI: 'true',
        CIRCLE_PROJECT_USERNAME: 'acme',
        CIRCLE_PROJECT_REPONAME: 'mobile',
        CIRCLE_JOB: 'test',
        CIRCLE_BUILD_NUM: '303',
        CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/mobile/303',
        CIRCLE_BRANCH: 'bugfix/TB-1',
        CIRCLE_SHA1: head,
        CIRCLE_REPOSITORY_URL: 'git@github.com:acme/mobile.git',
      },
      flags: ['--state', 'successful'],
      expected: {
        pipelineId: 'acme/mobile',
        buildNumber: 303,
        displayName: 'mobile test #303',
        url: 'https://circleci.com/gh/acme/mobile/303',
        branch: 'bugfix/TB-1',
        commitKeys: HEAD_KEYS,
      },
    },
    {
      ci: 'Bitbucket Pipelines',
      env: {
        BITBUCKET_BUILD_NUMBER: '404',
        BITBUCKET_REPO_FULL_NAME: 'acme/shop',
        BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/shop',
        BITBUCKET_BRANCH: 'TB-1',
        BITBUCKET_COMMIT: head,
        BITBUCKET_EXIT_CODE: '0',
      },
      flags: [],
      expected: {
        pipelineId: 'acme/shop',
        buildNumber: 404,
        displayName: 'acme/shop #404',
        url: 'http://bitbucket.org/acme/shop/pipelines/results/404',
        branch: 'TB-1',
        commitKeys: HEAD_KEYS,
      },
    },
    {
      ci: 'Azure Pipelines',
      env: {
        TF_BUILD: 'True',
        SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/',
        SYSTEM_TEAMPROJECT: 'Web Shop',
        BUILD_DEFINITIONNAME: 'shop-ci',
        BUILD_BUILDID: '505',
        BUILD_BUILDNUMBER: '20261208.3',
        BUILD_SOURCEBRANCH: 'refs/heads/feature/TB-1-cart',
        BUILD_SOURCEVERSION: head,
        BUILD_SOURCEVERSIONMESSAGE: COMMITS[2] ?? '',
        BUILD_REPOSITORY_URI: 'https://dev.azure.com/acme/Web%20Shop/_git/shop',
        AGENT_JOBSTATUS: 'SucceededWithIssues',
      },
      flags: [],
      expected: {
        pipelineId: 'Web Shop/shop-ci',
        buildNumber: 505,
        displayName: 'shop-ci 20261208.3',
        url: 'https://dev.azure.com/acme/Web%20Shop/_build/results?buildId=505',
        branch: 'feature/TB-1-cart',
        commitKeys: HEAD_KEYS,
      },
    },
    {
      ci: 'Buildkite',
      env: {
        BUILDKITE: 'true',
        BUILDKITE_ORGANIZATION_SLUG: 'acme',
        BUILDKITE_PIPELINE_SLUG: 'backend',
        BUILDKITE_PIPELINE_NAME: 'Backend',
        BUILDKITE_BUILD_NUMBER: '606',
        BUILDKITE_BUILD_URL: 'https://buildkite.com/acme/backend/builds/606',
        BUILDKITE_BRANCH: 'TB-1/refactor',
        BUILDKITE_COMMIT: head,
        BUILDKITE_MESSAGE: COMMITS[2] ?? '',
        BUILDKITE_REPO: 'git@github.com:acme/backend.git',
      },
      flags: ['--state', 'passed'],
      expected: {
        pipelineId: 'acme/backend',
        buildNumber: 606,
        displayName: 'Backend #606',
        url: 'https://buildkite.com/acme/backend/builds/606',
        branch: 'TB-1/refactor',
        commitKeys: HEAD_KEYS,
      },
    },
    {
      ci: 'Jenkins',
      env: {
        JENKINS_URL: 'https://jenkins.acme.test/',
        JOB_NAME: 'web/main',
        BUILD_NUMBER: '707',
        BUILD_URL: 'https://jenkins.acme.test/job/web/job/main/707/',
        GIT_BRANCH: 'origin/TB-1-login',
        GIT_COMMIT: head,
        GIT_PREVIOUS_SUCCESSFUL_COMMIT: before,
        GIT_URL: 'https://github.com/acme/web.git',
      },
      flags: ['--state', 'SUCCESS'],
      expected: {
        pipelineId: 'web/main',
        buildNumber: 707,
        displayName: 'web/main #707',
        url: 'https://jenkins.acme.test/job/web/job/main/707/',
        branch: 'TB-1-login',
        commitKeys: RANGE_KEYS,
      },
    },
    {
      ci: 'TeamCity',
      env: {
        TEAMCITY_VERSION: '2025.11',
        TEAMCITY_PROJECT_NAME: 'Acme',
        TEAMCITY_BUILDCONF_NAME: 'Nightly',
        BUILD_NUMBER: '808',
        BUILD_VCS_NUMBER: head,
      },
      flags: [
        '--state',
        'success',
        '--url',
        'https://teamcity.acme.test/viewLog.html?buildId=808',
        '--branch',
        'TB-1-nightly',
      ],
      expected: {
        pipelineId: 'Acme/Nightly',
        buildNumber: 808,
        displayName: 'Nightly #808',
        url: 'https://teamcity.acme.test/viewLog.html?buildId=808',
        branch: 'TB-1-nightly',
        commitKeys: HEAD_KEYS,
      },
    },
  ];
}
