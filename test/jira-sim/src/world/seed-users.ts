/** Seeded people: a few named users the tests and the demo talk about, and thousands of others. */
import type { Rng } from '../core/rng.ts';
import type { User } from './types.ts';

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dan',
  'Eva',
  'Finn',
  'Grace',
  'Hugo',
  'Iris',
  'Jon',
  'Kira',
  'Liam',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Uma',
  'Vik',
  'Wen',
  'Xavi',
  'Yara',
  'Zoe',
];
const LAST = [
  'Adams',
  'Brown',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lopez',
  'Meyer',
  'Nagy',
  'Olsen',
  'Petrov',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
  'Urban',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
];
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];

/** Named Cloud accounts: every test can rely on these e-mails. */
export const CLOUD_USERS = {
  /** Site admin on both sites, every permission. The consent pages log in as her by default. */
  alice: { email: 'alice@acme.test', displayName: 'Alice Admin' },
  /** acme only; lacks ASSIGN_ISSUES and LINK_ISSUES, and CREATE_ISSUES in WEB (for diagnostics). */
  bob: { email: 'bob@acme.test', displayName: 'Bob Limited' },
  /** globex only, ordinary permissions. */
  carol: { email: 'carol@globex.test', displayName: 'Carol Globex' },
} as const;

/** Named Data Center users (login name → display name). */
export const DC_USERS = {
  /** Jira administrator with every permission. */
  admin: { username: 'admin', displayName: 'DC Administrator' },
  /** Lacks ASSIGN_ISSUES and LINK_ISSUES, and CREATE_ISSUES in DCP. */
  dave: { username: 'dave', displayName: 'Dave Limited' },
  erin: { username: 'erin', displayName: 'Erin Engineer' },
} as const;

/** How many generated accounts exist besides the named ones (enough to hit the 1000-per-page caps twice). */
export const GENERATED_USER_COUNT = 2600;

function makeUser(
  rng: Rng,
  fields: Pick<User, 'id' | 'username' | 'emailAddress' | 'displayName'> & Partial<User>,
): User {
  return {
    active: true,
    accountType: 'atlassian',
    timeZone: rng.pick(ZONES),
    locale: 'en_US',
    groups: ['jira-software-users'],
    ...fields,
  };
}

/** Cloud accounts: Atlassian accountIds are 24 hex characters for classic accounts. */
export function seedCloudAccounts(rng: Rng): {
  named: Record<keyof typeof CLOUD_USERS, User>;
  others: User[];
} {
  const named = {
    alice: makeUser(rng, {
      id: rng.hex(12),
      username: 'alice',
      emailAddress: CLOUD_USERS.alice.email,
      displayName: CLOUD_USERS.alice.displayName,
      groups: ['jira-software-users', 'site-admins', 'jira-administrators'],
    }),
    bob: makeUser(rng, {
      id: rng.hex(12),
      username: 'bob',
      emailAddress: CLOUD_USERS.bob.email,
      displayName: CLOUD_USERS.bob.displayName,
    }),
    carol: makeUser(rng, {
      id: rng.hex(12),
      username: 'carol',
      emailAddress: CLOUD_USERS.carol.email,
      displayName: CLOUD_USERS.carol.displayName,
    }),
  };
  const others: User[] = [];
  for (let i = 1; i <= GENERATED_USER_COUNT; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const local = `${first}.${last}.${i}`.toLowerCase();
    others.push(
      makeUser(rng, {
        id: rng.hex(12),
        username: local,
        emailAddress: `${local}@example.test`,
        displayName: `${first} ${last}`,
        // Some inactive users and a few app accounts (one of them removed), as real directories have.
        active: i % 37 !== 0 && i !== 1000,
        accountType: i % 250 === 0 ? 'app' : 'atlassian',
      }),
    );
  }
  return { named, others };
}

/** How many Jira Service Management customers the acme site has (some of them deactivated). */
export const CUSTOMER_COUNT = 30;

/**
 * Customer accounts (`accountType: customer`, `qm:` account ids as JSM portal-only customers
 * have): in the site's directory, with no Jira permission. Made without the seed's RNG, so the
 * rest of the seeded world stays as it was.
 */
export function seedCustomerAccounts(): User[] {
  const customers: User[] = [];
  for (let i = 1; i <= CUSTOMER_COUNT; i++) {
    const n = String(i).padStart(4, '0');
    customers.push({
      id: `qm:5e1c0f2a-7d3b-4c8e-9a61-00000000${n}:${n}`,
      username: `customer.${i}`,
      emailAddress: `customer.${i}@customers.example.test`,
      displayName: `Portal Customer ${i}`,
      active: i % 6 !== 0,
      accountType: 'customer',
      timeZone: 'UTC',
      locale: 'en_US',
      groups: [],
    });
  }
  return customers;
}

/** Data Center users: user keys `JIRAUSER<n>`, login names as given. */
export function seedDcUsers(rng: Rng): {
  named: Record<keyof typeof DC_USERS, User>;
  others: User[];
} {
  let key = 10000;
  const nextKey = () => `JIRAUSER${key++}`;
  const dcUser = (username: string, displayName: string, groups?: string[]) =>
    makeUser(rng, {
      id: nextKey(),
      username,
      emailAddress: `${username}@dc.example.test`,
      displayName,
      ...(groups ? { groups } : {}),
    });
  const named = {
    admin: dcUser('admin', DC_USERS.admin.displayName, [
      'jira-software-users',
      'jira-administrators',
    ]),
    dave: dcUser('dave', DC_USERS.dave.displayName),
    erin: dcUser('erin', DC_USERS.erin.displayName),
  };
  const others: User[] = [];
  for (let i = 1; i <= GENERATED_USER_COUNT; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const user = dcUser(`${first}.${last}${i}`.toLowerCase(), `${first} ${last}`);
    user.active = i % 41 !== 0;
    others.push(user);
  }
  return { named, others };
}
