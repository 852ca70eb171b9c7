'use client';

import type { ModelPrice } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, EmptyState, Input, PageHeader, Skeleton } from '@/components/ui';
import { CursorPager, useCursorPages } from '@/components/ui/cursor-pager';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { PriceIcon } from '@/components/ui/icons';
import { CellLine, FigureTd, RowActions, Table, Td, Th } from '@/components/ui/table';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { useCan } from '@/features/auth/use-caller';
import { canReset, changeText, formatPrice } from '../price-source';
import { PRICE_PAGE_SIZE, priceListQueryOptions } from '../queries';
import { PriceFormDialog, type PriceFormTarget } from './price-form-dialog';
import { RemovePriceDialog } from './remove-price-dialog';
import styles from './prices.module.css';

/** Typing settles for this long before the search goes to the URL (and the API). */
const SEARCH_SETTLE_MS = 250;
const COLUMNS = 6;

/** Every model price with where it comes from; search, edit, reset to the built-in price, add. */
export function PricesPage() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams().get('search')?.trim() ?? '';
  const writable = useCan('config:write');
  const [formTarget, setFormTarget] = useState<PriceFormTarget | null>(null);
  const [removeTarget, setRemoveTarget] = useState<ModelPrice | null>(null);
  // Each dialog opening gets a fresh form.
  const [dialogKey, setDialogKey] = useState(0);

  const setSearch = useCallback(
    (next: string) => {
      const params = new URLSearchParams();
      if (next) params.set('search', next);
      const query = params.toString();
      router.replace((query ? `${pathname}?${query}` : pathname) as Route, { scroll: false });
    },
    [router, pathname],
  );

  function openForm(target: PriceFormTarget) {
    setDialogKey((k) => k + 1);
    setFormTarget(target);
  }

  function openRemove(price: ModelPrice) {
    setDialogKey((k) => k + 1);
    setRemoveTarget(price);
  }

  return (
    <>
      <PageHeader
        title="Model prices"
        description="What requests cost: each one’s tokens times its model’s price, in USD per million tokens. Ids that start with a priced id (dated versions, provider/ prefixes) use its price; models without one cost $0."
        actions={
          writable ? (
            <Button variant="primary" onClick={() => openForm({ mode: 'add', model: '' })}>
              Add model price
            </Button>
          ) : null
        }
      />
      <SearchBox search={search} onSearch={setSearch} />
      {/* A new search starts again at page 1. */}
      <PriceList
        key={search}
        search={search}
        writable={writable}
        onEdit={(price) => openForm({ mode: 'edit', price })}
        onRemove={openRemove}
        onAdd={(model) => openForm({ mode: 'add', model })}
        onClearSearch={() => setSearch('')}
      />
      <p className={styles.footnote}>
        Prompt tokens the provider served from its prompt cache cost the cached input price (the input price
        where a model has none). A change applies to new requests on every instance at once; logged requests
        keep their cost, and each request in Logs shows the price it was costed with.
      </p>

      {writable && formTarget ? (
        <PriceFormDialog key={`form-${dialogKey}`} target={formTarget} onClose={() => setFormTarget(null)} />
      ) : null}
      {writable && removeTarget ? (
        <RemovePriceDialog
          key={`remove-${dialogKey}`}
          price={removeTarget}
          onClose={() => setRemoveTarget(null)}
        />
      ) : null}
    </>
  );
}

/** The search box; the URL (and so the list) follows once typing settles. */
function SearchBox({ search, onSearch }: { search: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(search);
  // What this box last put in the URL, and the URL's search as last seen: a change the box did not
  // make (the nav link, "Clear search") replaces the text; its own, arriving while typing on, does not.
  const [pushed, setPushed] = useState(search);
  const [seen, setSeen] = useState(search);
  if (search !== seen) {
    setSeen(search);
    if (search !== pushed) {
      setPushed(search);
      setText(search);
    }
  }

  useEffect(() => {
    const next = text.trim();
    if (next === search) return;
    const timer = window.setTimeout(() => {
      setPushed(next);
      onSearch(next);
    }, SEARCH_SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [text, search, onSearch]);

  return (
    <form className={styles.toolbar} role="search" onSubmit={(event) => event.preventDefault()}>
      <label htmlFor="price-search" className={styles.searchLabel}>
        Search models
      </label>
      <Input
        id="price-search"
        type="search"
        className={styles.search}
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder="e.g. claude or gpt-4.1"
        autoComplete="off"
        spellCheck={false}
        maxLength={256}
      />
    </form>
  );
}

interface PriceListProps {
  search: string;
  writable: boolean;
  onEdit: (price: ModelPrice) => void;
  onRemove: (price: ModelPrice) => void;
  onAdd: (model: string) => void;
  onClearSearch: () => void;
}

function PriceList({ search, writable, onEdit, onRemove, onAdd, onClearSearch }: PriceListProps) {
  const pages = useCursorPages();
  const list = useQuery(
    priceListQueryOptions({ search: search || undefined, cursor: pages.cursor, limit: PRICE_PAGE_SIZE }),
  );
  const page = list.data;
  const rows = page?.data ?? null;

  if (list.isError && !page) {
    return <QueryErrorState title="Could not load model prices" query={list} />;
  }

  if (rows && rows.length === 0 && pages.pageNumber === 1) {
    return (
      <EmptyState
        icon={<PriceIcon size={22} />}
        title={search ? `No model matches “${search}”` : 'No model prices yet'}
        description={
          search
            ? 'Search looks for the text anywhere in the model id, ignoring case.'
            : 'Until a model has a price, its requests are costed at $0.'
        }
        actions={
          <>
            {writable ? (
              <Button variant="primary" onClick={() => onAdd(search)}>
                {search ? `Add a price for ${search}` : 'Add model price'}
              </Button>
            ) : null}
            {search ? (
              <Button variant="secondary" onClick={onClearSearch}>
                Clear search
              </Button>
            ) : null}
          </>
        }
      />
    );
  }

  return (
    <>
      <Card padding="none" className={styles.tableCard}>
        <Table
          caption="Model prices"
          captionHidden
          stackBelow={720}
          stackColumns={3}
          aria-busy={list.isPlaceholderData || undefined}
        >
          <thead>
            <tr>
              <Th>Model</Th>
              <Th align="end">Input / 1M</Th>
              <Th align="end">Cached input / 1M</Th>
              <Th align="end">Output / 1M</Th>
              <Th>Source</Th>
              <Th>
                <span className="visually-hidden">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {rows === null
              ? Array.from({ length: 6 }, (_, i) => (
                  <tr key={i} aria-hidden="true">
                    {Array.from({ length: COLUMNS }, (_, c) => (
                      <td key={c}>
                        <Skeleton width={c === 0 ? 150 : 80} height={14} />
                      </td>
                    ))}
                  </tr>
                ))
              : rows.map((price) => (
                  <PriceRow
                    key={price.model}
                    price={price}
                    writable={writable}
                    onEdit={onEdit}
                    onRemove={onRemove}
                  />
                ))}
          </tbody>
        </Table>
      </Card>
      <CursorPager
        label="Model price pages"
        pages={pages}
        pageSize={PRICE_PAGE_SIZE}
        page={page}
        isPlaceholderData={list.isPlaceholderData}
      />
    </>
  );
}

interface PriceRowProps {
  price: ModelPrice;
  writable: boolean;
  onEdit: (price: ModelPrice) => void;
  onRemove: (price: ModelPrice) => void;
}

function PriceRow({ price, writable, onEdit, onRemove }: PriceRowProps) {
  const builtIn = price.defaultPrice;
  return (
    <tr>
      <Th scope="row" nowrap={false} stack="head" className={styles.modelCell}>
        <CellLine className={styles.model} title={price.model}>
          {price.model}
        </CellLine>
      </Th>
      <FigureTd label="Input / 1M">
        <Figure value={price.inputUsdPerMTokens} builtIn={builtIn?.inputUsdPerMTokens} />
      </FigureTd>
      <FigureTd label="Cached input / 1M">
        <CachedFigure price={price} />
      </FigureTd>
      <FigureTd label="Output / 1M">
        <Figure value={price.outputUsdPerMTokens} builtIn={builtIn?.outputUsdPerMTokens} />
      </FigureTd>
      <Td stack="full">
        <Source price={price} />
      </Td>
      <Td stack="end">
        {writable ? (
          <RowActions wrap>
            <Button
              size="sm"
              variant="secondary"
              aria-label={`Edit price of ${price.model}`}
              onClick={() => onEdit(price)}
            >
              Edit
            </Button>
            {canReset(price) ? (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Reset ${price.model} to its built-in price`}
                onClick={() => onRemove(price)}
              >
                Reset to default
              </Button>
            ) : null}
            {builtIn === null ? (
              <Button
                size="sm"
                variant="ghost"
                className={styles.danger}
                aria-label={`Delete the price of ${price.model}`}
                onClick={() => onRemove(price)}
              >
                Delete
              </Button>
            ) : null}
          </RowActions>
        ) : null}
      </Td>
    </tr>
  );
}

/** One figure, with the built-in one under it when the operator's differs. */
function Figure({ value, builtIn }: { value: number; builtIn: number | undefined }) {
  const differs = builtIn !== undefined && builtIn !== value;
  return (
    <>
      <span className={styles.figure}>{formatPrice(value)}</span>
      {differs ? <span className={styles.sub}>built-in {formatPrice(builtIn)}</span> : null}
    </>
  );
}

/** The cached input price; none set means cached prompt tokens cost the input price, and says so. */
function CachedFigure({ price }: { price: ModelPrice }) {
  const value = price.cachedInputUsdPerMTokens;
  const builtIn = price.defaultPrice;
  const differs = builtIn !== null && builtIn.cachedInputUsdPerMTokens !== value;
  return (
    <>
      <span className={styles.figure}>{formatPrice(value ?? price.inputUsdPerMTokens)}</span>
      {value === null ? <span className={styles.sub}>same as input</span> : null}
      {differs ? (
        <span className={styles.sub}>
          built-in{' '}
          {builtIn.cachedInputUsdPerMTokens === null
            ? 'same as input'
            : formatPrice(builtIn.cachedInputUsdPerMTokens)}
        </span>
      ) : null}
    </>
  );
}

function Source({ price }: { price: ModelPrice }) {
  const change = price.lastChange;
  let detail;
  if (change) {
    detail = (
      <>
        {changeText(change)}{' '}
        <time dateTime={change.at} title={formatDateTime(change.at)}>
          {formatRelative(change.at)}
        </time>
      </>
    );
  } else if (price.source === 'default') {
    detail = null;
  } else {
    detail = (
      <>
        Updated{' '}
        <time dateTime={price.updatedAt} title={formatDateTime(price.updatedAt)}>
          {formatRelative(price.updatedAt)}
        </time>
      </>
    );
  }
  return (
    <div className={styles.source}>
      {price.source === 'default' ? (
        <Badge>Built-in default</Badge>
      ) : (
        <Badge tone="accent">Set by operator</Badge>
      )}
      {detail ? <span className={styles.sub}>{detail}</span> : null}
    </div>
  );
}
