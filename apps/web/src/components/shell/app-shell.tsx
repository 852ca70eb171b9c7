'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { CloseIcon, MenuIcon } from '@/components/ui/icons';
import { useCaller } from '@/features/auth/use-caller';
import { BrandMark, Wordmark } from './brand-mark';
import { activeNavItem, isActivePath, navItems } from './nav-items';
import styles from './app-shell.module.css';

// Must match the breakpoint in app-shell.module.css.
const DESKTOP_QUERY = '(min-width: 960px)';

interface AppShellProps {
  children: ReactNode;
  /** Right side of the top bar (session, sign out). */
  topBarActions?: ReactNode;
}

/** Sidebar + top bar frame. Below 960 px the sidebar becomes a drawer opened from the top bar. */
export function AppShell({ children, topBarActions }: AppShellProps) {
  const pathname = usePathname();
  const current = activeNavItem(pathname);
  const { data: caller } = useCaller();
  // Only what this caller may use; items behind a permission appear once the session is known.
  const visibleNavItems = navItems.filter(
    (item) => !item.permission || (caller?.permissions.includes(item.permission) ?? false),
  );
  const [drawerOpen, setDrawerOpen] = useState(false);
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const sidebarRef = useRef<HTMLElement>(null);

  // Set when closing should hand focus back to the menu button (Escape, close button, backdrop).
  const restoreFocusRef = useRef(false);

  const closeDrawer = useCallback((restoreFocus: boolean) => {
    restoreFocusRef.current = restoreFocus;
    setDrawerOpen(false);
  }, []);

  useEffect(() => {
    if (!drawerOpen) {
      // Runs after the column lost `inert`, so the button can take focus again.
      if (restoreFocusRef.current) menuButtonRef.current?.focus();
      restoreFocusRef.current = false;
      return;
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeDrawer(true);
    };
    document.addEventListener('keydown', onKeyDown);
    const sidebar = sidebarRef.current;
    (
      sidebar?.querySelector<HTMLElement>('[aria-current="page"]') ?? sidebar?.querySelector<HTMLElement>('a')
    )?.focus();
    const previousOverflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.body.style.overflow = previousOverflow;
    };
  }, [drawerOpen, closeDrawer]);

  // The drawer state means nothing once the permanent sidebar is back.
  useEffect(() => {
    const desktop = window.matchMedia(DESKTOP_QUERY);
    const onChange = () => {
      if (desktop.matches) setDrawerOpen(false);
    };
    desktop.addEventListener('change', onChange);
    return () => desktop.removeEventListener('change', onChange);
  }, []);

  return (
    <div className={styles.shell} data-drawer-open={drawerOpen || undefined}>
      <a href="#main-content" className={styles.skipLink}>
        Skip to content
      </a>

      <aside id="app-sidebar" ref={sidebarRef} className={styles.sidebar}>
        <div className={styles.sidebarHeader}>
          <Link href="/" className={styles.brandLink} onClick={() => closeDrawer(false)}>
            <Wordmark />
          </Link>
          <button
            type="button"
            className={`${styles.iconButton} ${styles.drawerOnly}`}
            onClick={() => closeDrawer(true)}
            aria-label="Close navigation"
          >
            <CloseIcon />
          </button>
        </div>

        <nav aria-label="Main" className={styles.nav}>
          <ul className={styles.navList}>
            {visibleNavItems.map((item) => {
              const active = isActivePath(item.href, pathname);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    className={styles.navLink}
                    aria-current={active ? 'page' : undefined}
                    onClick={() => closeDrawer(false)}
                  >
                    <span className={styles.navIcon}>{item.icon}</span>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        <p className={styles.sidebarFooter}>Operator console</p>
      </aside>

      {drawerOpen ? (
        <div className={styles.backdrop} aria-hidden="true" onClick={() => closeDrawer(true)} />
      ) : null}

      <div className={styles.column} inert={drawerOpen || undefined}>
        <header className={styles.topBar}>
          <button
            ref={menuButtonRef}
            type="button"
            className={`${styles.iconButton} ${styles.drawerOnly}`}
            onClick={() => setDrawerOpen(true)}
            aria-label="Open navigation"
            aria-controls="app-sidebar"
            aria-expanded={drawerOpen}
          >
            <MenuIcon />
          </button>
          <Link
            href="/"
            className={`${styles.topBarBrand} ${styles.drawerOnly}`}
            aria-label="Switchboard overview"
          >
            <BrandMark size={24} />
          </Link>
          <div className={styles.location}>
            {current ? (
              <>
                <span className={styles.locationIcon}>{current.icon}</span>
                <span className={styles.locationLabel}>{current.label}</span>
              </>
            ) : null}
          </div>
          <div className={styles.topBarActions}>{topBarActions}</div>
        </header>

        <main id="main-content" tabIndex={-1} className={styles.main}>
          <div className={styles.content}>{children}</div>
        </main>
      </div>
    </div>
  );
}
