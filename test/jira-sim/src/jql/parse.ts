/**
 * A JQL subset parser: clauses joined by AND/OR/NOT and parentheses, list operands, functions,
 * EMPTY/NULL and ORDER BY. Syntax errors throw {@link JqlError} with Jira-style messages.
 * @see https://support.atlassian.com/jira-software-cloud/docs/use-advanced-search-with-jira-query-language-jql/
 */

/** A JQL problem; `messages` go into Jira's `errorMessages` with status 400. */
export class JqlError extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
    this.messages = messages;
  }
}

export type JqlOperand =
  | { kind: 'value'; text: string }
  | { kind: 'empty' }
  | { kind: 'function'; name: string; args: string[] }
  | { kind: 'list'; items: JqlOperand[] };

export type JqlOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '~'
  | '!~'
  | 'in'
  | 'not in'
  | 'is'
  | 'is not'
  | 'was'
  | 'changed';

export interface JqlClause {
  kind: 'clause';
  /** Field name as written (compare lower-cased). */
  field: string;
  operator: JqlOperator;
  operand: JqlOperand;
}

export type JqlExpression =
  | JqlClause
  | { kind: 'and' | 'or'; items: JqlExpression[] }
  | { kind: 'not'; item: JqlExpression };

export interface JqlSort {
  field: string;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  where: JqlExpression | null;
  orderBy: JqlSort[];
}

interface Token {
  kind: 'word' | 'string' | 'op' | 'punct' | 'end';
  text: string;
  /** 1-based character position, for error messages. */
  at: number;
}

/** Symbol operators, longest first so `!=` is not read as `!` … */
const SYMBOL_OPERATORS = ['!=', '>=', '<=', '!~', '=', '>', '<', '~'] as const;
/** Characters of an unquoted word; Jira reserves `% ^ $ # ; ? |` (among others) outside quotes. */
const WORD = /[^\s=!<>~(),"'%^$#;?|]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const at = i + 1;
    if (ch === '"' || ch === "'") {
      let value = '';
      i += 1;
      while (i < text.length && text.charAt(i) !== ch) {
        if (text.charAt(i) === '\\' && i + 1 < text.length) i += 1;
        value += text.charAt(i);
        i += 1;
      }
      if (i >= text.length)
        throw new JqlError([
          `Error in the JQL Query: The quoted string '${value}' has not been completed. (line 1, character ${at})`,
        ]);
      i += 1;
      tokens.push({ kind: 'string', text: value, at });
      continue;
    }
    const op = SYMBOL_OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, at });
      i += op.length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, at });
      i += 1;
      continue;
    }
    let word = '';
    while (i < text.length && WORD.test(text.charAt(i))) {
      word += text.charAt(i);
      i += 1;
    }
    if (word === '')
      throw new JqlError([
        `Error in the JQL Query: The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${at})`,
      ]);
    tokens.push({ kind: 'word', text: word, at });
  }
  tokens.push({ kind: 'end', text: '', at: text.length + 1 });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] ?? this.end();
  }
  private end(): Token {
    return { kind: 'end', text: '', at: 0 };
  }
  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }
  private fail(expected: string, hint = ''): never {
    const token = this.peek();
    const got = token.kind === 'end' ? 'the end of the query' : `'${token.text}'`;
    throw new JqlError([
      `Error in the JQL Query: Expecting ${expected} but got ${got}.${hint} (line 1, character ${token.at})`,
    ]);
  }

  parseQuery(): JqlQuery {
    const where = this.peek().kind === 'end' || this.isKeyword('order') ? null : this.parseOr();
    const orderBy: JqlSort[] = [];
    if (this.isKeyword('order')) {
      this.next();
      if (!this.isKeyword('by')) this.fail("'by'");
      this.next();
      do {
        if (this.peek().text === ',') this.next();
        const field = this.next();
        if (field.kind !== 'word' && field.kind !== 'string') this.fail('a field name');
        let direction: 'asc' | 'desc' = 'asc';
        if (this.isKeyword('asc') || this.isKeyword('desc')) {
          direction = this.next().text.toLowerCase() === 'desc' ? 'desc' : 'asc';
        }
        orderBy.push({ field: field.text, direction });
      } while (this.peek().text === ',');
    }
    if (this.peek().kind !== 'end') this.fail("either 'OR' or 'AND'");
    return { where, orderBy };
  }

  private parseOr(): JqlExpression {
    const items = [this.parseAnd()];
    while (this.isKeyword('or')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'or', items };
  }

  private parseAnd(): JqlExpression {
    const items = [this.parseUnary()];
    while (this.isKeyword('and')) {
      this.next();
      items.push(this.parseUnary());
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'and', items };
  }

  private parseUnary(): JqlExpression {
    if (this.isKeyword('not')) {
      this.next();
      return { kind: 'not', item: this.parseUnary() };
    }
    if (this.peek().text === '(' && this.peek().kind === 'punct') {
      this.next();
      const inner = this.parseOr();
      if (this.peek().text !== ')') this.fail("')'");
      this.next();
      return inner;
    }
    return this.parseClause();
  }

  private parseClause(): JqlClause {
    const field = this.next();
    if (field.kind !== 'word' && field.kind !== 'string') this.fail('a field name');
    const operator = this.parseOperator();
    const operand =
      operator === 'changed' ? ({ kind: 'empty' } as const) : this.parseOperand(operator);
    return { kind: 'clause', field: field.text, operator, operand };
  }

  private parseOperator(): JqlOperator {
    const token = this.peek();
    const symbol = SYMBOL_OPERATORS.find((candidate) => candidate === token.text);
    if (token.kind === 'op' && symbol) {
      this.next();
      return symbol;
    }
    const word = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (word === 'in' || word === 'was' || word === 'changed') {
      this.next();
      return word;
    }
    if (word === 'not' && this.isKeyword('in', 1)) {
      this.index += 2;
      return 'not in';
    }
    if (word === 'is') {
      this.next();
      if (this.isKeyword('not')) {
        this.next();
        return 'is not';
      }
      return 'is';
    }
    return this.fail(
      'operator',
      " The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
    );
  }

  private parseOperand(operator: JqlOperator): JqlOperand {
    if (this.peek().kind === 'punct' && this.peek().text === '(') {
      this.next();
      const items: JqlOperand[] = [];
      while (this.peek().text !== ')') {
        items.push(this.parseValue());
        if (this.peek().text === ',') this.next();
        else if (this.peek().text !== ')') this.fail("')'");
      }
      this.next();
      return { kind: 'list', items };
    }
    if (operator === 'in' || operator === 'not in') this.fail("'('");
    return this.parseValue();
  }

  private parseValue(): JqlOperand {
    const token = this.next();
    if (token.kind === 'string') return { kind: 'value', text: token.text };
    if (token.kind !== 'word') {
      this.index -= 1;
      return this.fail('either a value, list or function');
    }
    const lower = token.text.toLowerCase();
    if (lower === 'empty' || lower === 'null') return { kind: 'empty' };
    if (this.peek().kind === 'punct' && this.peek().text === '(') {
      this.next();
      const args: string[] = [];
      while (this.peek().text !== ')') {
        const arg = this.next();
        if (arg.kind === 'end') this.fail("')'");
        if (arg.text !== ',') args.push(arg.text);
      }
      this.next();
      return { kind: 'function', name: lower, args };
    }
    return { kind: 'value', text: token.text };
  }
}

/** Parse JQL text (throws {@link JqlError}). */
export function parseJql(text: string): JqlQuery {
  return new Parser(tokenize(text)).parseQuery();
}
