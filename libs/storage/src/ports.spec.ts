import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HalfSharedStoreError, type Port, SharedStore, storagePort } from '@mcp/storage';

abstract class NotesRepository {
  abstract where(): string;
}
abstract class Counter {
  abstract kind(): string;
}
@Injectable()
class FileNotes extends NotesRepository {
  where(): string {
    return 'files';
  }
}
@Injectable()
class MemoryCounter extends Counter {
  kind(): string {
    return 'memory';
  }
}
class SharedNotes extends NotesRepository {
  where(): string {
    return 'database';
  }
}

@Module({ providers: [...storagePort(NotesRepository, FileNotes), ...storagePort(Counter, MemoryCounter)] })
class FeatureModule {}

function sharedStore(adapters: [Port, unknown][]): SharedStore {
  const map = new Map(adapters);
  return new (class extends SharedStore {
    readonly name = 'test store';
    adapterFor<T>(port: Port<T>): T | undefined {
      return map.get(port) as T | undefined;
    }
  })();
}

function compile(shared?: SharedStore) {
  // Global, as PostgresModule is: the feature module does not import the store.
  @Global()
  @Module({
    providers: shared ? [{ provide: SharedStore, useValue: shared }] : [],
    exports: shared ? [SharedStore] : [],
  })
  class StoreModule {}
  return Test.createTestingModule({ imports: [StoreModule, FeatureModule] }).compile();
}

describe('storagePort', () => {
  it('gives each port its local adapter when no shared store exists', async () => {
    const moduleRef = await compile();
    expect(moduleRef.get(NotesRepository, { strict: false }).where()).toBe('files');
  });

  it("gives each port the shared store's adapter when there is one", async () => {
    const moduleRef = await compile(
      sharedStore([
        [NotesRepository, new SharedNotes()],
        [Counter, new MemoryCounter()],
      ]),
    );
    expect(moduleRef.get(NotesRepository, { strict: false }).where()).toBe('database');
  });

  it('refuses to boot half-shared: a port the shared store cannot serve stops the module, naming it', async () => {
    const compiling = compile(sharedStore([[NotesRepository, new SharedNotes()]]));
    await expect(compiling).rejects.toThrow(HalfSharedStoreError);
    await expect(compile(sharedStore([[NotesRepository, new SharedNotes()]]))).rejects.toThrow(
      /test store has no adapter for Counter/,
    );
  });
});
