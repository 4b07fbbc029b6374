import { describe, expect, it } from 'vitest';
import { lostWritesChoices, lostWritesSides } from './lost-writes.js';

describe('where lost writes can strike', () => {
  it('only directories on the local filesystem: an fs checkpoint, a files/append output', () => {
    expect(lostWritesSides({ store: 'fs', sink: 'files' })).toEqual(['checkpoint', 'output']);
    expect(lostWritesSides({ store: 's3', sink: 'append' })).toEqual(['output']);
    expect(lostWritesSides({ store: 'fs', sink: 'kafka' })).toEqual(['checkpoint']);
    expect(lostWritesSides({ store: 's3', sink: 's3' })).toEqual([]);
    expect(lostWritesChoices({ store: 'fs', sink: 'files' })).toEqual(['both', 'checkpoint', 'output']);
    expect(lostWritesChoices({ store: 's3', sink: 'files' })).toEqual(['output']);
    expect(lostWritesChoices({ store: 's3', sink: 'kafka' })).toEqual([]);
  });
});
